/**
 * After a scrape the daemon collects the scrape's garbage, but only when the heap grew well
 * past what was live after the last collection, and never without node's `gc`.
 */
import test from 'ava';
import { monitorApp } from '../../exporters/prometheus/app.js';
import { createMetrics } from '../../exporters/prometheus/registry.js';
import { heapTrimmer } from '../../src/daemon/heap-trim.js';
import { serve } from '../helpers/net.js';

const MB = 1024 * 1024;

test('collects when the heap grew by half of the live heap (at least 4 MB) since the last collection', (t) => {
  let used = 20 * MB;
  let collections = 0;
  const trim = heapTrimmer({
    gc: () => {
      collections++;
      used = 20 * MB;
    },
    heapUsed: () => used,
  });
  trim();
  t.is(collections, 1, 'the first call has nothing to compare with: it collects');
  used = 29 * MB;
  trim();
  t.is(collections, 1, '9 MB over 20 MB live: under half');
  used = 31 * MB;
  trim();
  t.is(collections, 2, '11 MB over 20 MB live');
});

test('a small heap collects only past 4 MB of growth', (t) => {
  let used = 2 * MB;
  let collections = 0;
  const trim = heapTrimmer({ gc: () => collections++, heapUsed: () => used });
  trim();
  used = 5 * MB;
  trim();
  t.is(collections, 1);
  used = 7 * MB;
  trim();
  t.is(collections, 2);
});

test('without node’s gc (no --expose-gc) the trimmer does nothing', (t) => {
  let asked = 0;
  const trim = heapTrimmer({
    gc: undefined,
    heapUsed: () => {
      asked++;
      return 100 * MB;
    },
  });
  trim();
  trim();
  t.is(asked, 0);
});

test('the monitor app calls afterScrape once per /metrics response, once it is over; not for /healthz', async (t) => {
  const m = createMetrics({ defaultMetrics: false });
  let scrapes = 0;
  const srv = await serve(monitorApp({ source: m, notReady: () => null, afterScrape: () => scrapes++ }));
  t.teardown(() => srv.close());
  for (const encoding of ['identity', 'gzip']) {
    const res = await fetch(`${srv.url}/metrics`, { headers: { 'accept-encoding': encoding } });
    t.true((await res.text()).includes('aipro_build_info'));
  }
  await (await fetch(`${srv.url}/healthz`)).text();
  // 'close' follows the last byte: give the server's side a moment on a loaded machine.
  for (let i = 0; i < 200 && scrapes < 2; i++) await new Promise((r) => setTimeout(r, 10));
  t.is(scrapes, 2);
});
