/** Colour: FORCE_COLOR turns it on (even into a pipe, even with NO_COLOR); FORCE_COLOR=0 and NO_COLOR turn it off. */
import test from 'ava';
import { colorEnabled } from '../../src/cli/table.js';
import { runCli } from '../helpers/cli.js';
import { tempHome } from '../helpers/tmp.js';
import { KEY, storeWith } from './support.js';

const ESC = '\u001b[';
const tty = { isTTY: true } as NodeJS.WriteStream;
const pipe = { isTTY: false } as NodeJS.WriteStream;

test('colorEnabled follows FORCE_COLOR, then NO_COLOR, then the terminal', (t) => {
  t.true(colorEnabled(tty, {}));
  t.false(colorEnabled(pipe, {}));
  t.false(colorEnabled(tty, { NO_COLOR: '1' }));
  t.false(colorEnabled(tty, { TERM: 'dumb' }));
  t.true(colorEnabled(pipe, { FORCE_COLOR: '1' }));
  t.true(colorEnabled(pipe, { FORCE_COLOR: '' }));
  t.true(colorEnabled(pipe, { FORCE_COLOR: 'true', NO_COLOR: '1' }));
  t.false(colorEnabled(tty, { FORCE_COLOR: '0' }));
  t.false(colorEnabled(tty, { FORCE_COLOR: 'false' }));
});

test('models status into a pipe: plain by default, coloured with FORCE_COLOR=1', async (t) => {
  const h = tempHome();
  t.teardown(() => h.cleanup());
  h.writeStore(storeWith({ 'anthropic:default': { type: 'api_key', provider: 'anthropic', key: KEY } }));
  const { NO_COLOR: _, ...env } = h.env;
  const plain = await runCli(['models', 'status'], { env });
  t.is(plain.code, 0, plain.stderr);
  t.false(plain.stdout.includes(ESC));
  const forced = await runCli(['models', 'status'], { env: { ...env, FORCE_COLOR: '1' } });
  t.is(forced.code, 0, forced.stderr);
  t.true(forced.stdout.includes(`${ESC}32mstatic${ESC}0m`), forced.stdout);
  const off = await runCli(['models', 'status'], { env: { ...env, FORCE_COLOR: '0' } });
  t.false(off.stdout.includes(ESC));
});
