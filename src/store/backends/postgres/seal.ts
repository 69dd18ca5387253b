/**
 * Sealing secret fields at rest: AES-256-GCM (node:crypto) with a random 96-bit IV per
 * value and the row's identity as additional data, so a sealed value copied into another
 * row or field does not open. The envelope names the key by a fingerprint, so a wrong key
 * is reported as "sealed under key X, you gave key Y" instead of a bare auth-tag failure.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

export interface StoreKey {
  /** First 8 hex digits of sha256(key): safe to print, tells keys apart. */
  id: string;
  bytes: Buffer;
}

/** Decode a base64 key of exactly 32 bytes. Errors never contain the value. */
export function parseStoreKey(text: string, name: string): StoreKey {
  const trimmed = text.trim();
  const bytes = Buffer.from(trimmed, 'base64');
  if (!/^[A-Za-z0-9+/=_-]+$/.test(trimmed) || bytes.length !== 32) {
    throw new Error(
      `${name} must be 32 random bytes in base64 (it decodes to ${bytes.length} bytes); make one with \`openssl ` +
        `rand -base64 32\``,
    );
  }
  return { id: createHash('sha256').update(bytes).digest('hex').slice(0, 8), bytes };
}

/** What a sealed value is bound to: agent, profile and field. */
export function aadFor(agent: string, profileId: string, field: string): string {
  return `aipro-store-v1\0${agent}\0${profileId}\0${field}`;
}

const PLAIN = 'plain:';

/** Seal `plain`; with no key (`encryption: none`) the value is stored as is, marked plain. */
export function seal(plain: string, key: StoreKey | null, aad: string): string {
  if (!key) return `${PLAIN}${plain}`;
  const iv = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', key.bytes, iv);
  c.setAAD(Buffer.from(aad, 'utf8'));
  const ct = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
  return ['v1', key.id, iv.toString('base64'), c.getAuthTag().toString('base64'), ct.toString('base64')].join('.');
}

/** The key id a value is sealed under, `plain` for unsealed values, null when not an envelope. */
export function sealedKeyId(envelope: string): string | null {
  if (envelope.startsWith(PLAIN)) return 'plain';
  const parts = envelope.split('.');
  return parts.length === 5 && parts[0] === 'v1' ? (parts[1] as string) : null;
}

export type Unsealed = { ok: true; value: string } | { ok: false; detail: string };

/** Open an envelope with any of `keys` (the one whose id it names). Expected failures are data. */
export function unseal(envelope: string, keys: (StoreKey | null)[], aad: string): Unsealed {
  if (envelope.startsWith(PLAIN)) return { ok: true, value: envelope.slice(PLAIN.length) };
  const parts = envelope.split('.');
  if (parts.length !== 5 || parts[0] !== 'v1')
    return { ok: false, detail: 'not a sealed value this aipro understands' };
  const [, kid, iv, tag, ct] = parts as [string, string, string, string, string];
  const key = keys.find((k) => k?.id === kid);
  if (!key) {
    const have = keys.filter((k): k is StoreKey => k !== null).map((k) => k.id);
    return {
      ok: false,
      detail:
        `sealed under key ${kid}, but the key given is ${have.length ? have.join(', ') : 'none'} (set ` +
        `AIPRO_STORE_KEY to the key the fleet uses)`,
    };
  }
  try {
    const d = createDecipheriv('aes-256-gcm', key.bytes, Buffer.from(iv, 'base64'));
    d.setAAD(Buffer.from(aad, 'utf8'));
    d.setAuthTag(Buffer.from(tag, 'base64'));
    return { ok: true, value: Buffer.concat([d.update(Buffer.from(ct, 'base64')), d.final()]).toString('utf8') };
  } catch {
    return { ok: false, detail: `sealed value does not verify under key ${kid} (tampered, or moved to another row)` };
  }
}
