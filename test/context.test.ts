/** The one context loader: the same config read three ways, as commands, the doctor and the daemon need. */
import test from 'ava';
import { AiproError, EXIT } from '../src/errors.js';
import { listAgents, loadContext } from '../src/context.js';
import { tempHome } from './helpers/tmp.js';

test('a good config: every mode gives the same context', (t) => {
  const home = tempHome();
  t.teardown(() => home.cleanup());
  home.writeConfig({ agents: { default: 'ops' }, env: { vars: { FROM_CONFIG: 'yes' } } });
  const thrown = loadContext({ env: home.env, cwd: home.home });
  const defaults = loadContext({ env: home.env, cwd: home.home, mode: 'defaults' });
  const result = loadContext({ env: home.env, cwd: home.home, mode: 'result' });
  if (!result.ok) return t.fail(result.message);
  for (const ctx of [thrown, defaults, result.ctx]) {
    t.is(ctx.config.agents.default, 'ops');
    t.is(ctx.env.FROM_CONFIG, 'yes');
    t.true(ctx.configExists);
    t.is(ctx.configError, undefined);
  }
  t.deepEqual(
    listAgents(thrown).map((a) => a.id),
    ['ops'],
  );
});

test(
  'a bad config: throw names the key (exit 1), defaults carries on and keeps the problem, result returns ' + 'it',
  (t) => {
    const home = tempHome();
    t.teardown(() => home.cleanup());
    home.writeConfig({ auth: { warnHours: 'soon' } });
    const err = t.throws(() => loadContext({ env: home.env, cwd: home.home }), { instanceOf: AiproError });
    t.is(err?.exitCode, EXIT.FAIL);
    t.regex(err?.message ?? '', /auth\.warnHours/);

    const doctor = loadContext({ env: home.env, cwd: home.home, mode: 'defaults' });
    t.is(doctor.configError?.key, 'auth.warnHours');
    const fresh = tempHome();
    t.teardown(() => fresh.cleanup());
    t.is(
      doctor.config.auth.warnHours,
      loadContext({ env: fresh.env, cwd: fresh.home }).config.auth.warnHours,
      'the defaults',
    );
    t.true(doctor.configExists);

    const daemon = loadContext({ env: home.env, cwd: home.home, mode: 'result' });
    t.false(daemon.ok);
    if (!daemon.ok) {
      t.is(daemon.key, 'auth.warnHours');
      t.regex(daemon.message, /auth\.warnHours/);
    }
  },
);
