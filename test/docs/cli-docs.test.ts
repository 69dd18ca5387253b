/** docs/cli.md names every command and subcommand `aipro --help` knows, and every flag they take. */
import test from 'ava';
import type { Command } from 'commander';
import { buildProgram } from '../../src/cli/main.js';
import { readDoc } from './markdown.js';

interface Entry {
  path: string;
  flags: string[];
}

/** Every command below the root, as `aipro a b c`, with its long flags (help and version aside). */
function walk(cmd: Command, prefix: string): Entry[] {
  return cmd.commands.flatMap((sub) => {
    const path = `${prefix} ${sub.name()}`;
    const flags = sub.options
      .map((o) => o.long)
      .filter((f): f is string => typeof f === 'string' && f !== '--help' && f !== '--version');
    return [{ path, flags }, ...walk(sub, path)];
  });
}

test('docs/cli.md names every command and subcommand, and every flag', async (t) => {
  const program = await buildProgram([]);
  const entries = walk(program, 'aipro');
  t.true(entries.length >= 40, `commands found: ${entries.length}`);
  const doc = readDoc('docs/cli.md');
  const missing: string[] = [];
  for (const { path, flags } of entries) {
    if (!doc.includes(`\`${path}\``) && !doc.includes(`${path} `)) missing.push(path);
    for (const flag of flags) if (!new RegExp(`${flag}(?![a-z-])`).test(doc)) missing.push(`${path} ${flag}`);
  }
  t.deepEqual(missing, []);
});

test('the walk sees nested groups and their flags', async (t) => {
  const entries = walk(await buildProgram([]), 'aipro');
  const set = entries.find((e) => e.path === 'aipro models auth order set');
  t.truthy(set);
  t.true(set?.flags.includes('--provider'));
  t.truthy(entries.find((e) => e.path === 'aipro completion fish'));
});
