// ava's settings for running the TypeScript sources through tsx: `npx ava test/x.test.ts`.
// `npm test` runs the same tests compiled to JavaScript first (ava.compiled.config.mjs).
export default {
  extensions: { ts: 'module' },
  nodeArguments: ['--import=tsx'],
  files: ['test/**/*.test.ts'],
  timeout: '120s',
  concurrency: 2,
  workerThreads: false,
};
