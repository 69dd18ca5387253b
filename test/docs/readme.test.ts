/** README.md is the short front page: at most 300 lines, the two commands, and a map of every docs/ page. */
import test from 'ava';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { compiledArgs, compileTests, OUT } from '../../scripts/compile-tests.mjs';
import { tempDir } from '../helpers/tmp.js';
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
    'scripts/ava-cli.mjs',
  ];
  for (const step of steps) t.true(runner.includes(`'${step}'`), step);
  t.true(readDoc('scripts/ava-cli.mjs').includes("lib('cli.js')"), 'scripts/ava-cli.mjs runs ava');
  t.regex(pkg.scripts.prepare ?? '', /npm run build/, 'npm ci builds dist/ so npm start has something to run');
});

test("README.md's map links every page in docs/", (t) => {
  const readme = readDoc('README.md');
  const pages = readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md'));
  t.true(pages.length >= 10);
  for (const p of pages) t.true(readme.includes(`](docs/${p})`), `README links docs/${p}`);
});

test('npm test runs the compiled tests: test/ paths in its arguments name their compiled copies', (t) => {
  t.true(readDoc('scripts/test.mjs').includes("'ava.compiled.config.mjs'"));
  const args = ['--tap', 'test/store', './test/store/parse.test.ts:12', '-m', 'test', 'test/x/*.test.ts', 'src/a.ts'];
  t.deepEqual(compiledArgs(args), [
    '--tap',
    join(OUT, 'test/store'),
    join(OUT, 'test/store/parse.test.js:12'),
    '-m',
    'test',
    join(OUT, 'test/x/*.test.js'),
    'src/a.ts',
  ]);
});

test('the compiled tests find fixtures in the source tree; the sources see their compiled place', async (t) => {
  const root = tempDir(t);
  const write = (rel: string, text: string) => {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), text);
  };
  write('package.json', '{ "type": "module" }\n');
  write('src/where.ts', 'export const where = (): string => import.meta.filename;\n');
  write(
    'test/a/where.test.ts',
    "import { where } from '../../src/where.js';\n" +
      "const fixture: string = new URL('./fixtures/x.json', import.meta.url).pathname;\n" +
      'console.log(JSON.stringify([fixture, import.meta.dirname, where()]));\n',
  );
  t.like(await compileTests(root), { compiled: 2, removed: 0 });
  const run = () => execFileSync(process.execPath, [join(root, OUT, 'test/a/where.test.js')], { encoding: 'utf8' });
  t.deepEqual(JSON.parse(run()), [
    join(root, 'test/a/fixtures/x.json'),
    join(root, 'test/a'),
    join(root, OUT, 'src/where.js'),
  ]);
  t.like(await compileTests(root), { compiled: 0 }, 'unchanged files are not compiled again');
  rmSync(join(root, 'src/where.ts'));
  t.like(await compileTests(root), { compiled: 0, removed: 1 });
  t.false(existsSync(join(root, OUT, 'src/where.js')), 'a deleted source leaves no compiled copy behind');
  write(join(OUT, 'test/a/stale.test.js'), '');
  rmSync(join(root, OUT, 'manifest.json'));
  await compileTests(root);
  t.false(existsSync(join(root, OUT, 'test/a/stale.test.js')), 'without its manifest the compiled tree starts empty');
  t.true(existsSync(join(root, OUT, 'test/a/where.test.js')));
});
