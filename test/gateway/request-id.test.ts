import test from 'ava';
import { newRequestId } from '../../src/gateway/own-headers.js';

test('request ids keep their format and never repeat, across refills of the random pool', (t) => {
  const ids = Array.from({ length: 1000 }, () => newRequestId());
  for (const id of ids) t.regex(id, /^req_aipro_[0-9a-f]{24}$/);
  t.is(new Set(ids).size, ids.length);
});
