/**
 * The monitor looks at the agents of the current config: a SIGHUP that changes
 * `agents.default` is followed by the next cycle (file store, in-process daemon).
 */
import test from 'ava';
import { MONITORS } from '../../monitors/index.js';
import { startDaemon } from '../../src/daemon/daemon.js';
import { eventually } from '../helpers/wait.js';
import { tempHome } from '../helpers/tmp.js';
import { NEVER } from './fleet-helpers.js';

const { expiry } = MONITORS as Required<typeof MONITORS>;

test('a reload that changes agents.default is followed by the next cycle', async (t) => {
  const home = tempHome();
  t.teardown(() => home.cleanup());
  const schedules = { expiry: NEVER, store: NEVER, refresh: NEVER, validity: NEVER };
  home.writeConfig({ monitor: { schedules } });
  const daemon = await startDaemon({
    logFormat: 'json',
    listen: '127.0.0.1:0',
    monitors: { expiry },
    processEnv: home.env,
    write: () => undefined,
    signals: false,
    runAlerts: null,
  });
  t.teardown(() => daemon.stop('teardown').then(() => undefined));
  const metrics = async () => (await fetch(`http://127.0.0.1:${daemon.address.port}/metrics`)).text();
  await daemon.ready;
  t.true((await metrics()).includes('aipro_auth_store_ok{agent="main"} 1'));
  home.writeConfig({ agents: { default: 'other' }, monitor: { schedules } });
  t.true(daemon.reload());
  await eventually(async () => (await metrics()).includes('aipro_auth_store_ok{agent="other"} 1'), 30_000);
  t.pass();
});
