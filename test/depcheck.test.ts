/**
 * The dependency check fails the build naming the import: a scratch copy of the sources
 * with one wrong import planted per rule must fail.
 */
import test from 'ava';
import { appendFileSync, cpSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runProcess } from './helpers/child.js';

const ROOT = resolve(import.meta.dirname, '..');

function scratchCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), 'aipro-depcheck-'));
  for (const p of [
    'src',
    'monitors',
    'exporters',
    'scripts',
    'tsconfig.json',
    '.dependency-cruiser.cjs',
    'package.json',
  ])
    cpSync(join(ROOT, p), join(dir, p), { recursive: true });
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return dir;
}

/**
 * Run the check in `dir`. Asynchronously and with a generous limit: dependency-cruiser takes
 * about 5 s of CPU, which took 63 s at load 40 on 2 cores (the old 120 s limit is too close).
 */
async function depcheck(dir: string): Promise<{ code: number | null; out: string }> {
  const r = await runProcess(process.execPath, ['scripts/depcheck.mjs'], { cwd: dir, timeoutMs: 540_000 });
  return { code: r.code, out: r.stdout + r.stderr };
}

const PLANTS: { rule: string; file: string; line: string; names: RegExp }[] = [
  {
    rule: 'no-import-of-cli',
    file: 'src/store/paths.ts',
    line: "export { usageError as planted } from '../cli/errors.js';",
    names: /no-import-of-cli: src\/store\/paths\.ts → src\/cli\/errors\.ts/,
  },
  {
    rule: 'monitors-return-outcomes',
    file: 'monitors/store.ts',
    line: "export type { AiproMetrics as Planted } from '../exporters/prometheus/registry.js';",
    names: /monitors-return-outcomes: monitors\/store\.ts → exporters\/prometheus\/registry\.ts/,
  },
  {
    rule: 'core-knows-no-provider-probing',
    file: 'src/store/credentials.ts',
    line: "export { PROVIDERS as planted } from '../providers/index.js';",
    names: /core-knows-no-provider-probing: src\/store\/credentials\.ts → src\/providers\/index\.ts/,
  },
  {
    rule: 'channels-are-independent',
    file: 'src/alerts/channels/email.ts',
    line: "export { signBody as planted } from './webhook.js';",
    names: /channels-are-independent: src\/alerts\/channels\/email\.ts → src\/alerts\/channels\/webhook\.ts/,
  },
  {
    rule: 'folder-cycle',
    file: 'src/oauth/pkce.ts',
    line: "export { probeAgents as planted } from '../../monitors/probe-agents.js';",
    names: /folder-cycle: [^\n]*monitors[^\n]*src\/oauth[\s\S]*src\/oauth\/pkce\.ts → monitors\/probe-agents\.ts/,
  },
];

// One scratch copy with every plant: one cruise (they take seconds each) must name them all.
// The untouched sources are checked by `npm run depcheck` itself, in `npm test`.
test('planted wrong imports fail the check, each named by rule and import', async (t) => {
  t.timeout(600_000);
  const dir = scratchCopy();
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  for (const plant of PLANTS) appendFileSync(join(dir, plant.file), `\n${plant.line}\n`);
  const r = await depcheck(dir);
  t.is(r.code, 1, r.out);
  for (const plant of PLANTS) t.regex(r.out, plant.names, plant.rule);
});
