/** Each thing is said once: no paragraph (or table, or list item) of README.md and docs/*.md repeats another. */
import test from 'ava';
import { docFiles, paragraphs, readDoc } from './markdown.js';

// Short paragraphs ("Examples:", one table header) repeat harmlessly; anything longer is a fact said twice.
const MIN_LENGTH = 60;
/** Paragraphs that are meant to stand in two places. Keep this tiny. */
const ALLOWED = new Set<string>([]);

const normalise = (p: string) =>
  p
    .toLowerCase()
    .replace(/[`*_]/g, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();

test('no paragraph of the docs repeats another', (t) => {
  const seen = new Map<string, string>();
  const repeats: string[] = [];
  let count = 0;
  for (const file of docFiles()) {
    for (const p of paragraphs(readDoc(file))) {
      const key = normalise(p);
      if (key.length < MIN_LENGTH || ALLOWED.has(key)) continue;
      count++;
      const first = seen.get(key);
      if (first) repeats.push(`${file} repeats ${first}: ${p.slice(0, 100)}…`);
      else seen.set(key, file);
    }
  }
  t.true(count > 200, `paragraphs checked: ${count}`);
  t.deepEqual(repeats, []);
});

test('the duplicate check sees a repeated paragraph and its table rows', (t) => {
  const text =
    'Intro line that is long enough to count as a paragraph of prose, surely.\n\n| a | b |\n|---|---|\n| x | y ' +
    '|\n\n- item one\n- item two';
  const ps = paragraphs(text);
  t.is(ps.length, 4);
  t.is(ps[0], 'Intro line that is long enough to count as a paragraph of prose, surely.');
  t.is(normalise('A `code` *word*, here!'), 'a code word here');
});
