/** Header values carrying ids: always a valid header, and decodeURIComponent gives the id back. */
import { validateHeaderValue } from 'node:http';
import test from 'ava';
import fc from 'fast-check';
import { headerValue } from '../../src/util/header-value.js';

test('printable ASCII ids pass unchanged; others are percent-encoded UTF-8', (t) => {
  t.is(headerValue('openai:me@example.com'), 'openai:me@example.com');
  t.is(headerValue('anthropic:中文'), 'anthropic:%E4%B8%AD%E6%96%87');
  t.is(headerValue('a:100%'), 'a:100%25');
  t.is(headerValue('a: b'), 'a:%20b');
  t.throws(() => validateHeaderValue('x-aipro-auth-profile', 'anthropic:中文'));
});

test('any id: a valid header value that decodes back to the id', (t) => {
  fc.assert(
    fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), (id) => {
      const v = headerValue(id);
      validateHeaderValue('x-aipro-auth-profile', v);
      return decodeURIComponent(v) === id;
    }),
    { seed: 1207, numRuns: 500 },
  );
  t.pass();
});
