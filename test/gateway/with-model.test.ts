/** The upstream body is the client's JSON with `model` replaced, built without copying the body. */
import test from 'ava';
import fc from 'fast-check';
import { withModel } from '../../src/gateway/failover.js';
import type { Body } from '../../src/gateway/apis/index.js';

test('withModel gives the text of JSON.stringify({ ...body, model }) and leaves the body as it was', (t) => {
  const body = fc.dictionary(
    fc.oneof(fc.constantFrom('model', 'messages', 'stream', 'max_tokens', '__proto__', 'user'), fc.string()),
    fc.jsonValue(),
  );
  fc.assert(
    fc.property(body, fc.string(), (b, model) => {
      // A JSON body as the gateway gets it: parsed from text (so a "__proto__" key is an own property).
      const parsed = JSON.parse(JSON.stringify(b)) as Body;
      const before = JSON.stringify(parsed);
      const keys = Object.keys(parsed);
      return (
        withModel(parsed, model) === JSON.stringify({ ...parsed, model }) &&
        JSON.stringify(parsed) === before &&
        Object.keys(parsed).join('\n') === keys.join('\n')
      );
    }),
    { seed: 1812, numRuns: 2000 },
  );
  t.pass();
});
