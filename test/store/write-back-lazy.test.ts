/**
 * A write compares each profile with its JSON as read, and that JSON is made only when a write
 * asks for it (reads that never write, like the monitor's, skip it). These pin what must not
 * move with that: ids that are also names on Object.prototype, a store copied in memory before
 * the write, and a profile changed and changed back.
 */
import { readFileSync } from 'node:fs';
import test from 'ava';
import { putSecretProfile, setOrder } from '../../src/store/mutations.js';
import { parseStoreText, storeForDisk } from '../../src/store/read.js';
import { cloneStore } from '../../src/store/schema.js';
import { updateStore } from '../../src/store/write.js';
import { tempHome } from '../helpers/tmp.js';

const KEY = `sk-ant-api03-${'K'.repeat(40)}`;
const legacy = (extra: Record<string, unknown> = {}) => ({
  provider: 'anthropic',
  type: 'apiKey',
  apiKey: KEY,
  ...extra,
});
const RAW = {
  version: 1,
  profiles: {
    toString: legacy(),
    constructor: legacy({ note: 'x' }),
    'anthropic:legacy': legacy({ addedBy: 'openclaw 0.9' }),
  },
};

test('untouched legacy profiles, ids like "toString" included, are written back as read', async (t) => {
  const h = tempHome();
  t.teardown(() => h.cleanup());
  const path = h.writeStore(RAW);
  await updateStore(path, (s) => setOrder(s, 'anthropic', ['anthropic:legacy']));
  const after = JSON.parse(readFileSync(path, 'utf8')) as typeof RAW;
  t.deepEqual(after.profiles, RAW.profiles);
  t.deepEqual(Object.keys(after.profiles), Object.keys(RAW.profiles));
});

test('a copy made before the first write compares like the store it was copied from', (t) => {
  const r = parseStoreText(JSON.stringify(RAW));
  if (!r.ok) return t.fail(r.detail);
  const copy = cloneStore(r.store);
  t.deepEqual(storeForDisk(copy).profiles, RAW.profiles);
  const changed = putSecretProfile(copy, {
    id: 'anthropic:legacy',
    provider: 'anthropic',
    type: 'api_key',
    secret: `sk-ant-api03-${'N'.repeat(40)}`,
  });
  if (changed.store === null) return t.fail('no change');
  const disk = storeForDisk(changed.store).profiles as Record<string, unknown>;
  t.deepEqual(disk.toString, RAW.profiles.toString);
  t.like(disk['anthropic:legacy'], { type: 'api_key', key: `sk-ant-api03-${'N'.repeat(40)}` });
  t.false('apiKey' in (disk['anthropic:legacy'] as object));
  // The original store, asked after its copy was written, still gives every profile back as read.
  t.deepEqual(storeForDisk(r.store).profiles, RAW.profiles);
});
