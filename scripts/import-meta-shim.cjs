// Injected into the CommonJS bundle (scripts/postbuild.mjs): the sources are ES modules and use
// import.meta.url (createRequire, locating package files); in the bundle that is this file's URL.
// An absolute, normalised path of only these characters is its own file URL (pathToFileURL would
// change nothing), so node:url's pathToFileURL (~1 ms of a cold start) runs only for other paths.
const plain = /^\/[\w.\-/]*$/.test(__filename) && !/\/\/|\/\.\.?(?:\/|$)/.test(__filename);
export const importMetaUrl = plain ? `file://${__filename}` : require('node:url').pathToFileURL(__filename).href;
