// The dependency check run by `npm test`: dependency-cruiser's forbidden directions
// (.dependency-cruiser.cjs), then no cycle between folders. Every violation names the
// import (from → to) so the fix is obvious; exit 1 when there is any.
// Run from the project root (or a copy of it): `node scripts/depcheck.mjs`.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const root = process.cwd();
const bin = join(root, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs');
const run = spawnSync(
  process.execPath,
  // The cache (checksums of each file's content, and the rules) lets an unchanged tree skip
  // re-parsing: 1.4 CPU-s instead of 3.7. A changed file or rule is cruised again.
  [
    bin,
    ...['src', 'monitors', 'exporters', '--config', '.dependency-cruiser.cjs', '--output-type', 'json'],
    ...['--cache', join('.cache', 'depcruise'), '--cache-strategy', 'content'],
  ],
  {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  },
);
if (run.error || !run.stdout.trim().startsWith('{')) {
  process.stderr.write(`depcheck: dependency-cruiser did not run: ${run.error?.message ?? run.stderr}\n`);
  process.exit(2);
}
const result = JSON.parse(run.stdout);
const problems = [];

for (const v of result.summary.violations) {
  problems.push(`${v.rule.name}: ${v.from} → ${v.to}`);
}

/**
 * The folder a module belongs to: src/<folder>, monitors, exporters/<folder>. The core files
 * at src/ top level and the static provider catalog (which the core may read) are nodes of
 * their own, so reading the catalog does not make store and providers one cycle.
 */
function folderOf(path) {
  if (path === 'src/providers/catalog.ts') return path;
  const parts = path.split('/');
  if (parts[0] === 'src') return parts.length === 2 ? path : `src/${parts[1]}`;
  if (parts[0] === 'exporters') return parts.length === 2 ? 'exporters' : `exporters/${parts[1]}`;
  return parts[0];
}

const edges = new Map(); // folder -> Map(folder -> example "from → to")
for (const m of result.modules) {
  if (m.coreModule || m.couldNotResolve || !/^(src|monitors|exporters)\//.test(m.source)) continue;
  const a = folderOf(m.source);
  for (const d of m.dependencies) {
    if (!/^(src|monitors|exporters)\//.test(d.resolved)) continue;
    const b = folderOf(d.resolved);
    if (a === b) continue;
    if (!edges.has(a)) edges.set(a, new Map());
    if (!edges.get(a).has(b)) edges.get(a).set(b, `${m.source} → ${d.resolved}`);
  }
}

// Tarjan's strongly connected components: every component of more than one folder is a cycle.
let index = 0;
const idx = new Map();
const low = new Map();
const stack = [];
const onStack = new Set();
const components = [];
function visit(v) {
  idx.set(v, index);
  low.set(v, index++);
  stack.push(v);
  onStack.add(v);
  for (const w of edges.get(v)?.keys() ?? []) {
    if (!idx.has(w)) {
      visit(w);
      low.set(v, Math.min(low.get(v), low.get(w)));
    } else if (onStack.has(w)) low.set(v, Math.min(low.get(v), idx.get(w)));
  }
  if (low.get(v) === idx.get(v)) {
    const c = [];
    let w;
    do {
      w = stack.pop();
      onStack.delete(w);
      c.push(w);
    } while (w !== v);
    if (c.length > 1) components.push(c);
  }
}
for (const v of edges.keys()) if (!idx.has(v)) visit(v);
for (const c of components) {
  const inside = new Set(c);
  const imports = c.flatMap((a) =>
    [...(edges.get(a) ?? [])].filter(([b]) => inside.has(b)).map(([, example]) => `    ${example}`),
  );
  problems.push(`folder-cycle: ${c.sort().join(' ↔ ')}\n${imports.join('\n')}`);
}

if (problems.length > 0) {
  process.stderr.write(`dependency check failed (${problems.length}):\n${problems.map((p) => `  ${p}`).join('\n')}\n`);
  process.exit(1);
}
process.stdout.write(
  `dependency check: ${result.summary.totalCruised} modules, no forbidden import, no folder cycle\n`,
);
