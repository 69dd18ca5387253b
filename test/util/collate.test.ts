import test from 'ava';
import fc from 'fast-check';
import { compareText } from '../../src/util/collate.js';

const sign = (n: number) => Math.sign(n);
// The CLI runs with whatever locale the host has; en-US is the default of an empty environment.
const icu = (a: string, b: string) => a.localeCompare(b, 'en-US');

// Every printable ASCII character (capitals included: they take the localeCompare path), a few
// non-ASCII ones, and the characters profile ids are really made of, weighted up.
const alphabet = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789:-_.@') },
  { weight: 2, arbitrary: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)) },
  { weight: 1, arbitrary: fc.constantFrom('é', 'Å', 'ß', 'Ω', '\u00a0') },
);
const text = fc.array(alphabet, { maxLength: 12 }).map((cs) => cs.join(''));

test('orders any two strings exactly as localeCompare does', (t) => {
  fc.assert(
    fc.property(text, text, (a, b) => sign(compareText(a, b)) === sign(icu(a, b))),
    { seed: 1812, numRuns: 20_000 },
  );
  t.pass();
});

test('orders strings sharing a long prefix (profile ids of one provider) as localeCompare does', (t) => {
  fc.assert(
    fc.property(
      fc.constantFrom('anthropic:', 'openai-codex:u', 'a'),
      text,
      text,
      (p, a, b) => sign(compareText(p + a, p + b)) === sign(icu(p + a, p + b)),
    ),
    { seed: 1813, numRuns: 5_000 },
  );
  t.pass();
});

test('sorts a realistic list of ids like localeCompare', (t) => {
  const ids = [
    'openai-codex:u2@example.com',
    'anthropic:tok10',
    'anthropic:tok2',
    'anthropic:key0',
    'anthropic:key_0',
    'anthropic:key-0',
    'anthropic:Key0',
    'anthropic:default',
    'anthropic:manual',
    'zai:x',
    'openai:k',
  ];
  t.deepEqual([...ids].sort(compareText), [...ids].sort(icu));
});
