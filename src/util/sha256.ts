/**
 * The short sha256 that names a secret or a profile id without revealing it. node:crypto loads
 * on the first hash (~4 ms CPU of a cold start): `models status` on a store without probe
 * results, and with the default profile labels, never hashes.
 */
import { createRequire } from 'node:module';

let sha256Hex: ((text: string) => string) | undefined;

/** First 12 hex chars of sha256 of the UTF-8 `text`. */
export function sha256Prefix(text: string): string {
  sha256Hex ??= sha256Function(createRequire(import.meta.url)('node:crypto') as typeof import('node:crypto'));
  return sha256Hex(text).slice(0, 12);
}

/**
 * The one-shot `crypto.hash` (Node >= 20.12) where there is one: no Hash object per call, 4-6x
 * less CPU than `createHash` (the monitor hashes every secret of 10,000 profiles on its first cycle).
 */
export function sha256Function(crypto: typeof import('node:crypto')): (text: string) => string {
  const oneShot = (crypto as { hash?: (algorithm: string, data: string, encoding: 'hex') => string }).hash;
  if (typeof oneShot === 'function') return (text) => oneShot('sha256', text, 'hex');
  return (text) => crypto.createHash('sha256').update(text).digest('hex');
}
