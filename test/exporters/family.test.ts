/**
 * The per-profile families are views of one record per profile: each renders its own label
 * names from the profile's shared label text, and a changed label must never reuse a stale text.
 */
import test from 'ava';
import { escapeLabelValue, flat } from '../../exporters/prometheus/family.js';
import { ProfileGauge, ProfileInfoGauge, ProfileStateSet } from '../../exporters/prometheus/profile-families.js';
import { ProfileTable, SLOT } from '../../exporters/prometheus/profile-table.js';

const NAMES = ['agent', 'provider', 'profile'];

test('families of one profile each render their own label names from its one record', (t) => {
  const table = new ProfileTable();
  const info = new ProfileInfoGauge(table, 'x_info', 'h', [...NAMES, 'type', 'source']);
  const value = new ProfileGauge(table, 'x_value', 'h', NAMES, SLOT.expiry);
  const states = new ProfileStateSet(table, 'x_status', 'h', [...NAMES, 'status'], ['ok', 'expired']);
  const labels = { agent: 'main', provider: 'p', profile: 'p:1' };
  info.set('k', { ...labels, type: 'token', source: 'profile' }, 1);
  value.set('k', labels, 2.5);
  states.setState('k', labels, 'expired');
  t.is(table.size, 1, 'one record for the three families');
  const base = 'agent="main",provider="p",profile="p:1"';
  t.is(info.renderText(), `# HELP x_info h\n# TYPE x_info gauge\nx_info{${base},type="token",source="profile"} 1`);
  t.is(value.renderText(), `# HELP x_value h\n# TYPE x_value gauge\nx_value{${base}} 2.5`);
  t.is(
    states.renderText(),
    `# HELP x_status h\n# TYPE x_status gauge\nx_status{${base},status="ok"} 0\nx_status{${base},status="expired"} 1`,
  );
});

test('a label change under the same key replaces the series; removing every family drops the record', (t) => {
  const table = new ProfileTable();
  const g = new ProfileGauge(table, 'x', 'h', NAMES, SLOT.expiry);
  const other = new ProfileGauge(table, 'y', 'h', NAMES, SLOT.lastProbe);
  g.set('k', { agent: 'main', provider: 'p', profile: 'a' }, 1);
  other.set('k', { agent: 'main', provider: 'p', profile: 'a' }, 7);
  g.set('k', { agent: 'main', provider: 'p', profile: 'b"\\\n' }, 1);
  t.is(g.renderText(), '# HELP x h\n# TYPE x gauge\nx{agent="main",provider="p",profile="b\\"\\\\\\n"} 1');
  g.set('k', { agent: 'main', provider: 'p', profile: 'b"\\\n' }, 3);
  t.is(g.renderText(), '# HELP x h\n# TYPE x gauge\nx{agent="main",provider="p",profile="b\\"\\\\\\n"} 3');
  g.remove('k');
  t.is(g.renderText(), '# HELP x h\n# TYPE x gauge');
  t.is(table.size, 1, 'the other family still has a series');
  other.remove('k');
  t.is(table.size, 0);
});

test('label values are escaped; plain ones come back as they are', (t) => {
  t.is(escapeLabelValue('anthropic:key1'), 'anthropic:key1');
  t.is(escapeLabelValue('a\\b\nc"d'), 'a\\\\b\\nc\\"d');
  const built = ['a', 'b', 'c'].map((x) => `${x}-${Math.random() > 2 ? 'never' : 'x'}`).join('');
  t.is(flat(built), 'a-xb-xc-x');
  t.is(flat(''), '');
});

test('a family walks only while profiles have series in it; a removed record no longer counts', (t) => {
  const table = new ProfileTable();
  const a = new ProfileGauge(table, 'x', 'h', NAMES, SLOT.expiry);
  const b = new ProfileGauge(table, 'y', 'h', NAMES, SLOT.cooldownUntil);
  const labels = (profile: string) => ({ agent: 'main', provider: 'p', profile });
  for (const k of ['k1', 'k2', 'k3']) a.set(k, labels(k), 1);
  b.set('k2', labels('k2'), 5);
  t.is(table.count(SLOT.expiry), 3);
  t.is(table.count(SLOT.cooldownUntil), 1);
  t.is(b.renderText(), '# HELP y h\n# TYPE y gauge\ny{agent="main",provider="p",profile="k2"} 5');
  const held = table.get('k2');
  b.remove('k2');
  a.remove('k2');
  t.is(table.count(SLOT.cooldownUntil), 0);
  t.is(table.count(SLOT.expiry), 2);
  // A caller still holding the dropped record writes to it: the table's series are unchanged.
  held?.put(SLOT.cooldownUntil, '9');
  t.is(table.count(SLOT.cooldownUntil), 0);
  t.is(b.renderText(), '# HELP y h\n# TYPE y gauge');
  b.set('k3', labels('k3'), 7);
  t.is(b.renderText(), '# HELP y h\n# TYPE y gauge\ny{agent="main",provider="p",profile="k3"} 7');
  t.is(
    a.renderText(),
    '# HELP x h\n# TYPE x gauge\nx{agent="main",provider="p",profile="k1"} 1\n' +
      'x{agent="main",provider="p",profile="k3"} 1',
  );
});
