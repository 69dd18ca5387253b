// No source line wider than 120 columns (characters, not bytes). Biome's formatter wraps code
// at 120 but leaves long strings, comments and regular expressions as they are; this check
// names each line it finds so the fix is a concatenation or a wrapped comment.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const LIMIT = 120;
const ROOTS = ['src', 'monitors', 'exporters', 'test', 'bench', 'scripts'];
const SOURCE = /\.(ts|mjs|cjs|js)$/;

function* files(dir) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name === 'node_modules' || e.name.startsWith('.')) continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) yield* files(p);
    else if (SOURCE.test(e.name)) yield p;
  }
}

const wide = [];
let checked = 0;
for (const root of ROOTS) {
  for (const file of files(root)) {
    checked++;
    readFileSync(file, 'utf8')
      .split('\n')
      .forEach((line, i) => {
        const width = [...line].length;
        if (width > LIMIT) wide.push(`${file}:${i + 1}: ${width} columns`);
      });
  }
}
if (wide.length > 0) {
  process.stderr.write(`${wide.join('\n')}\n${wide.length} line(s) wider than ${LIMIT} columns\n`);
  process.exit(1);
}
process.stdout.write(`line width: ${checked} files, none wider than ${LIMIT} columns\n`);
