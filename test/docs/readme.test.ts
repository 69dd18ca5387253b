/** README.md is the short front page: at most 300 lines, the two commands, and a map of every docs/ page. */
import test from 'ava';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, readDoc } from './markdown.js';

test('README.md is at most 300 lines', (t) => {
  const lines = readDoc('README.md').split('\n').length;
  t.true(lines <= 300, `README.md has ${lines} lines`);
});

test('README.md gives the two commands exactly, and package.json makes them true', (t) => {
  const readme = readDoc('README.md');
  t.regex(readme, /^npm ci && npm start {2,}# runs the monitor on built-in defaults/m);
  t.regex(readme, /^npm ci && npm test {2,}# type-checks, builds, .*then runs every test/m);
  const pkg = JSON.parse(readDoc('package.json')) as { scripts: Record<string, string> };
  t.is(pkg.scripts.start, 'node dist/cli/main.js monitor');
  // `npm test` bundles (so the CLI tests run what ships), then runs every test while it
  // type-checks, lints and checks the import directions; any failure fails it.
  t.is(pkg.scripts.test, 'node scripts/test.mjs');
  const runner = readDoc('scripts/test.mjs');
  const steps = [
    'scripts/postbuild.mjs',
    'tsconfig.test.json',
    'biome',
    'scripts/line-width.mjs',
    'scripts/depcheck.mjs',
    'ava',
  ];
  for (const step of steps) t.true(runner.includes(`'${step}'`), step);
  t.regex(pkg.scripts.prepare ?? '', /npm run build/, 'npm ci builds dist/ so npm start has something to run');
});

test("README.md's map links every page in docs/", (t) => {
  const readme = readDoc('README.md');
  const pages = readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md'));
  t.true(pages.length >= 10);
  for (const p of pages) t.true(readme.includes(`](docs/${p})`), `README links docs/${p}`);
});
