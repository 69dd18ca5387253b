// ava's settings for `npm test`: the tests as compiled by scripts/compile-tests.mjs, run without
// a loader. --enable-source-maps makes a failing test's stack name the .ts file and line.
import base from './ava.config.mjs';

export default {
  ...base,
  extensions: ['js'],
  nodeArguments: ['--enable-source-maps'],
  files: ['.cache/test-js/test/**/*.test.js'],
};
