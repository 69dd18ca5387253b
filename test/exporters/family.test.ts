/**
 * The cached per-profile families: label texts are shared between the families of one profile
 * (one labels object), so a different name list or a changed label must never reuse a stale text.
 */
import test from 'ava';
import { escapeLabelValue, flat, KeyedGauge, StateSetGauge } from '../../exporters/prometheus/family.js';

test('families given the same labels object each render their own label names', (t) => {
  const both = new KeyedGauge('x_both', 'h', ['agent', 'profile']);
  const one = new KeyedGauge('x_one', 'h', ['agent']);
  const states = new StateSetGauge('x_status', 'h', ['agent', 'profile', 'status'], ['ok', 'expired']);
  const labels = { agent: 'main', profile: 'p:1' };
  both.set('k', labels, 1);
  one.set('k', labels, 2);
  states.setState('k', labels, 'expired');
  t.is(both.renderText(), '# HELP x_both h\n# TYPE x_both gauge\nx_both{agent="main",profile="p:1"} 1');
  t.is(one.renderText(), '# HELP x_one h\n# TYPE x_one gauge\nx_one{agent="main"} 2');
  t.is(
    states.renderText(),
    '# HELP x_status h\n# TYPE x_status gauge\n' +
      'x_status{agent="main",profile="p:1",status="ok"} 0\nx_status{agent="main",profile="p:1",status="expired"} 1',
  );
});

test('a label change under the same key replaces the series; an equal new labels object changes nothing', (t) => {
  const g = new KeyedGauge('x', 'h', ['agent', 'profile']);
  g.set('k', { agent: 'main', profile: 'a' }, 1);
  g.set('k', { agent: 'main', profile: 'b"\\\n' }, 1);
  t.is(g.renderText(), '# HELP x h\n# TYPE x gauge\nx{agent="main",profile="b\\"\\\\\\n"} 1');
  g.set('k', { agent: 'main', profile: 'b"\\\n' }, 1);
  g.set('k', { agent: 'main', profile: 'b"\\\n' }, 3);
  t.is(g.renderText(), '# HELP x h\n# TYPE x gauge\nx{agent="main",profile="b\\"\\\\\\n"} 3');
});

test('label values are escaped; plain ones come back as they are', (t) => {
  t.is(escapeLabelValue('anthropic:key1'), 'anthropic:key1');
  t.is(escapeLabelValue('a\\b\nc"d'), 'a\\\\b\\nc\\"d');
  const built = ['a', 'b', 'c'].map((x) => `${x}-${Math.random() > 2 ? 'never' : 'x'}`).join('');
  t.is(flat(built), 'a-xb-xc-x');
  t.is(flat(''), '');
});
