// ava's settings for `npm test`: the tests as compiled by scripts/compile-tests.mjs, run without
// a loader. --enable-source-maps makes a failing test's stack name the .ts file and line.
import base from './ava.config.mjs';

export default {
  ...base,
  extensions: ['js'],
  nodeArguments: ['--enable-source-maps'],
  files: ['.cache/test-js/test/**/*.test.js'],
  // Test files wait on servers and timers part of the time: 4 at once keep 2 cores busy
  // (measured on 20 files: the same CPU time, 15–25% less wall time than 2).
  concurrency: 4,
};
