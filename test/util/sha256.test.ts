/** The secret hash is the same whichever node:crypto API computes it (one-shot `hash` or `createHash`). */
import { createHash } from 'node:crypto';
import * as crypto from 'node:crypto';
import test from 'ava';
import { sha256Function, sha256Prefix } from '../../src/util/sha256.js';

const SAMPLES = ['', 'sk-ant-api03-abc', 'ünïcödé 🔑 secret', 'x'.repeat(10_000)];
const expected = (s: string) => createHash('sha256').update(s).digest('hex');

test('sha256Prefix is the first 12 hex chars of sha256 of the UTF-8 secret', (t) => {
  for (const s of SAMPLES) t.is(sha256Prefix(s), expected(s).slice(0, 12));
});

test('without the one-shot crypto.hash (Node < 20.12) the createHash path gives the same hash', (t) => {
  const { hash: _, ...old } = crypto;
  const oneShot = sha256Function(crypto);
  const fallback = sha256Function(old as typeof crypto);
  for (const s of SAMPLES) {
    t.is(oneShot(s), expected(s));
    t.is(fallback(s), expected(s));
  }
});
