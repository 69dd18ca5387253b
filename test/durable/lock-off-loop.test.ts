/**
 * Taking a free lock, reading the store under it and letting the lock go run on libuv's thread
 * pool: on a busy disk each `mkdir`, `rename` or recursive `rm` can wait milliseconds for the
 * journal, and the gateway locks once a second while it serves requests. Shown by order, not
 * by time: the event loop turns (a setImmediate runs) before the locked work starts.
 */
import { join } from 'node:path';
import test from 'ava';
import { withLock } from '../../src/store/lock.js';
import { updateStore } from '../../src/store/write.js';
import { tempHome } from '../helpers/tmp.js';

test('taking a free lock lets the event loop turn before the locked work runs', async (t) => {
  const home = tempHome();
  t.teardown(() => home.cleanup());
  const order: string[] = [];
  setImmediate(() => order.push('loop turned'));
  await withLock(join(home.stateDir, 'x.json'), () => {
    order.push('locked');
  });
  t.deepEqual(order, ['loop turned', 'locked']);
});

test('a store update lets the event loop turn before its change runs, and still writes', async (t) => {
  const home = tempHome();
  t.teardown(() => home.cleanup());
  const path = home.writeStore({ version: 1, profiles: {} });
  const order: string[] = [];
  setImmediate(() => order.push('loop turned'));
  await updateStore(path, (s) => {
    order.push('changed');
    return { store: { ...s, lastGood: { anthropic: 'anthropic:x' } }, result: undefined };
  });
  t.deepEqual(order, ['loop turned', 'changed']);
  await updateStore(path, (s) => {
    t.deepEqual(s.lastGood, { anthropic: 'anthropic:x' });
    return { store: null, result: undefined };
  });
});
