/**
 * After a scrape or a monitor run the daemon collects the heap's garbage once it is idle again,
 * but only when V8's committed heap grew well past what was live after the last collection,
 * and never without node's `gc`.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import { monitorApp } from '../../exporters/prometheus/app.js';
import { createMetrics } from '../../exporters/prometheus/registry.js';
import { heapTrimmer, TRIM_DELAY_MS, type HeapSize } from '../../src/daemon/heap-trim.js';
import { workerArgs } from '../helpers/child.js';
import { serve } from '../helpers/net.js';

const REAL_TRIM = fileURLToPath(new URL('./fixtures/heap-trim-real.ts', import.meta.url));

const MB = 1024 * 1024;

/** A trimmer over a fake heap whose delayed looks run when the test says. */
function fakeHeap(live: number) {
  const heap: HeapSize = { used: live, committed: live + 4 * MB };
  const queued: { fn: () => void; ms: number }[] = [];
  let collections = 0;
  const trim = heapTrimmer({
    gc: () => {
      collections++;
      heap.used = live;
      heap.committed = live + 4 * MB;
    },
    heap: () => ({ ...heap }),
    later: (fn, ms) => queued.push({ fn, ms }),
  });
  const idle = () => {
    for (const q of queued.splice(0)) q.fn();
  };
  return { heap, trim, idle, queued, collections: () => collections };
}

test('collects once idle, when the committed heap grew by a quarter of the live heap since the last one', (t) => {
  const h = fakeHeap(20 * MB);
  h.trim();
  t.is(h.collections(), 0, 'nothing happens at the scrape itself');
  t.deepEqual(
    h.queued.map((q) => q.ms),
    [TRIM_DELAY_MS],
  );
  h.idle();
  t.is(h.collections(), 1, 'the first look has nothing to compare with: it collects');
  h.heap.committed += 4.9 * MB;
  h.heap.used += 4.9 * MB;
  h.trim();
  h.idle();
  t.is(h.collections(), 1, '4.9 MB over 24 MB committed: under a quarter of the 20 MB live');
  h.heap.committed += 0.2 * MB;
  h.trim();
  h.idle();
  t.is(h.collections(), 2, '5.1 MB: over it');
});

test('the committed heap counts, not the used one: promoted garbage on sparse pages is what RSS shows', (t) => {
  const h = fakeHeap(20 * MB);
  h.trim();
  h.idle();
  h.heap.committed += 12 * MB;
  h.trim();
  h.idle();
  t.is(h.collections(), 2, 'the used heap did not grow, the committed one did');
});

test('a burst of scrapes and runs is looked at once', (t) => {
  const h = fakeHeap(20 * MB);
  for (let i = 0; i < 10; i++) h.trim();
  t.is(h.queued.length, 1);
  h.idle();
  t.is(h.collections(), 1);
  h.trim();
  t.is(h.queued.length, 1, 'after the look, the next scrape arranges the next one');
});

test('a small heap collects only past 4 MB of growth', (t) => {
  const h = fakeHeap(2 * MB);
  h.trim();
  h.idle();
  h.heap.committed += 3 * MB;
  h.trim();
  h.idle();
  t.is(h.collections(), 1);
  h.heap.committed += 1.5 * MB;
  h.trim();
  h.idle();
  t.is(h.collections(), 2);
});

test('without node’s gc (no --expose-gc) the trimmer does nothing', (t) => {
  let asked = 0;
  let queued = 0;
  const trim = heapTrimmer({
    gc: undefined,
    heap: () => {
      asked++;
      return { used: 100 * MB, committed: 200 * MB };
    },
    later: () => queued++,
  });
  trim();
  trim();
  t.is(asked, 0);
  t.is(queued, 0);
});

test('the real collection compacts: a fragmented heap gives its pages back', (t) => {
  // A plain full collection keeps ~80 MB committed (every page still holds a survivor); a
  // compacting one moves the survivors together and keeps ~20 MB.
  const r = spawnSync(process.execPath, ['--expose-gc', '--max-semi-space-size=2', ...workerArgs(REAL_TRIM)], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  t.is(r.status, 0, r.stderr);
  const { before, after, kept } = JSON.parse(r.stdout) as { before: number; after: number; kept: number };
  t.is(kept, 75000);
  t.true(before > 60 * MB, `the fragmented heap: ${before} bytes committed`);
  t.true(after < 35 * MB, `after the trim ${after} bytes committed (a plain collection keeps ~80 MB)`);
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
