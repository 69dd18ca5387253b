/**
 * Secrets: resolve a literal or a `{source, id}` reference, and show a fingerprint
 * instead of the value. Nothing in this file ever returns a secret inside a message.
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { sha256Prefix } from '../util/sha256.js';
import type { Env } from './paths.js';
import type { Profile, SecretRef } from './schema.js';

export type SecretResolution =
  | { ok: true; value: string; ref?: SecretRef }
  | { ok: false; detail: string; ref?: SecretRef };

/**
 * Read a reference. File ids that are not absolute are looked up in
 * `$CREDENTIALS_DIRECTORY` (systemd `LoadCredential=`).
 */
export function resolveSecret(value: string | SecretRef | undefined, env: Env): SecretResolution {
  if (value === undefined) return { ok: false, detail: 'no secret stored' };
  if (typeof value === 'string') {
    return value.trim().length > 0
      ? { ok: true, value: value.trim() }
      : { ok: false, detail: 'the stored secret is empty' };
  }
  const ref = value;
  if (ref.source === 'env') {
    const v = env[ref.id];
    if (v === undefined || v.trim() === '') return { ok: false, ref, detail: `env var ${ref.id} is not set` };
    return { ok: true, ref, value: v.trim() };
  }
  const dir = env.CREDENTIALS_DIRECTORY;
  const path = isAbsolute(ref.id) || !dir ? ref.id : join(dir, ref.id);
  try {
    const v = readFileSync(path, 'utf8').trim();
    if (v === '') return { ok: false, ref, detail: `secret file ${path} is empty` };
    return { ok: true, ref, value: v };
  } catch (err) {
    return {
      ok: false,
      ref,
      detail: `cannot read secret file ${path} (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
    };
  }
}

/** The secret a profile authenticates with: key, token, or the OAuth access token. */
export function profileSecret(profile: Profile, env: Env): SecretResolution {
  switch (profile.type) {
    case 'api_key':
      return resolveSecret(profile.keyRef ?? profile.key, env);
    case 'token':
      return resolveSecret(profile.tokenRef ?? profile.token, env);
    case 'oauth':
      return resolveSecret(profile.access, env);
  }
}

const KNOWN_PREFIX = /^(sk-ant-(?:api|oat|ort)\d\d-|sk-or-v\d-|sk-proj-|sk-svcacct-|sk-|AIza|eyJ)/;

/** `sk-ant-api03-…3f9a`: a recognisable public prefix and the last four characters. */
export function fingerprint(secret: string): string {
  if (secret.length < 16) return `sha256:${sha256Prefix(secret)}`;
  const prefix = KNOWN_PREFIX.exec(secret)?.[1] ?? '';
  return `${prefix}…${secret.slice(-4)}`;
}

/** Replace every occurrence of each secret in `text` (for error bodies echoed from upstream). */
export function redact(text: string, secrets: Iterable<string>): string {
  let out = text;
  for (const s of secrets) {
    // includes() first: most texts carry no secret, and split() allocates even then.
    if (s && s.length >= 6 && out.includes(s)) out = out.split(s).join('[redacted]');
  }
  return out;
}
