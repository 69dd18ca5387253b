import test from 'ava';
import fc from 'fast-check';
import { Readable, Writable } from 'node:stream';
import { CommanderError } from 'commander';
import { buildProgram } from '../../src/cli/program.js';
import { withIo } from '../../src/cli/io.js';
import { parseStatusArgv, STATUS_OPTIONS } from '../../src/cli/models-status-options.js';
import { runCli } from '../helpers/cli.js';
import { tempHome } from '../helpers/tmp.js';
import { VERSION } from '../../src/version.js';

const sink = () =>
  new Writable({
    write(_chunk, _enc, done) {
      done();
    },
  });

/** What commander hands the status command for `aipro models status ARGS`, or its error code. */
async function viaCommander(args: string[]): Promise<{ opts: Record<string, unknown> } | { error: string }> {
  const argv = ['models', 'status', ...args];
  const io = { env: {}, cwd: '/', stdin: Readable.from([]), stdout: sink(), stderr: sink(), now: () => 0 };
  return withIo(io, async () => {
    const program = await buildProgram(argv);
    const status = program.commands.find((c) => c.name() === 'models')?.commands.find((c) => c.name() === 'status');
    if (!status) throw new Error('no status command');
    let got: Record<string, unknown> | undefined;
    status.action((opts: Record<string, unknown>) => {
      got = { ...opts };
    });
    try {
      await program.parseAsync(argv, { from: 'user' });
    } catch (err) {
      if (err instanceof CommanderError) return { error: err.code };
      throw err;
    }
    return got ? { opts: got } : { error: 'the status action did not run' };
  });
}

const flags = STATUS_OPTIONS.map((o) => o.flag);
// Words commander treats specially wherever they stand (version, help, end of options), values
// that look like flags, and ordinary values.
const value = fc.oneof(
  fc.constantFrom('main', 'anthropic', 'openai-codex:me@example.com', '5000', '0', '', '=', 'a=b', 'help', 'status'),
  fc.constantFrom('-1', '-x', '-', '--', '-V', '-Vx', '--version', '-h', '--help', '--check', '--nope'),
  fc.string({ maxLength: 6 }),
);
const word = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...flags) },
  { weight: 3, arbitrary: value },
  { weight: 2, arbitrary: fc.tuple(fc.constantFrom(...flags), value).map(([f, v]) => `${f}=${v}`) },
  { weight: 1, arbitrary: fc.constantFrom('--no-check', '--JSON', '--warn_hours', '-w', '---json', '--json ') },
);

test('parseStatusArgv gives exactly what commander gives the command, or leaves the line to commander', async (t) => {
  let taken = 0;
  await fc.assert(
    fc.asyncProperty(fc.array(word, { maxLength: 6 }), async (args) => {
      const fast = parseStatusArgv(args);
      if (fast === undefined) return;
      taken++;
      t.deepEqual(await viaCommander(args), { opts: { ...fast } }, JSON.stringify(args));
    }),
    { seed: 1818, numRuns: 1500 },
  );
  // Not vacuous: a good share of the random lines take the fast path.
  t.true(taken > 300, `only ${taken} of 1500 lines were parsed without commander`);
});

test('parseStatusArgv takes the plain lines scripts run and leaves the rest to commander', (t) => {
  t.deepEqual(parseStatusArgv([]), {});
  t.deepEqual(parseStatusArgv(['--check']), { check: true });
  t.deepEqual(parseStatusArgv(['--json', '--agent', 'main', '--warn-hours=48', '--agent', 'ops']), {
    json: true,
    agent: 'ops',
    warnHours: '48',
  });
  for (const args of [
    ['--help'],
    ['-h'],
    ['--check', '--version'],
    ['--agent', '--version'],
    ['--agent', '-Vx'],
    ['--agent'],
    ['--agent', '--', 'x'],
    ['--json=1'],
    ['extra'],
    ['--nope'],
  ])
    t.is(parseStatusArgv(args), undefined, JSON.stringify(args));
});

test('aipro models status: help, version and usage errors still come from commander', async (t) => {
  const h = tempHome();
  t.teardown(() => h.cleanup());
  const help = await runCli(['models', 'status', '--help'], { env: h.env });
  t.is(help.code, 0);
  t.regex(help.stdout, /Usage: aipro models status \[options\]/);
  for (const o of STATUS_OPTIONS) t.true(help.stdout.includes(o.value ? `${o.flag} ${o.value}` : o.flag), o.flag);
  // commander reads the program's --version even where --agent expects its value.
  const version = await runCli(['models', 'status', '--agent', '--version'], { env: h.env });
  t.deepEqual([version.code, version.stdout], [0, `${VERSION}\n`]);
  const missing = await runCli(['models', 'status', '--agent'], { env: h.env });
  t.is(missing.code, 64);
  t.regex(missing.stderr, /option '--agent <id>' argument missing\nRun `aipro models status --help` for usage\./);
});
