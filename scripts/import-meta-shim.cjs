// Injected into the CommonJS bundle (scripts/postbuild.mjs): the sources are ES modules and use
// import.meta.url (createRequire, locating package files); in the bundle that is this file's URL.
export const importMetaUrl = require('node:url').pathToFileURL(__filename).href;
