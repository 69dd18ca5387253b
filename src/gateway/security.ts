/**
 * Who may reach the gateway: loopback by default; any other bind address needs a bearer
 * token (`gateway.auth.token`), compared in constant time. Pure but for secret lookup.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { isLoopback, TOKEN_SET_COMMAND } from '../config/gateway.js';
import type { AiproConfig } from '../config/schema.js';
import type { Env } from '../store/paths.js';
import { resolveSecret } from '../store/secrets.js';

export { bindHost, isLoopback, TOKEN_SET_COMMAND } from '../config/gateway.js';

/** Whether the gateway may start, and the client token it then requires. */
export type TokenCheck = { ok: true; token: string | null } | { ok: false; message: string };

/** Resolve the client token and decide whether the gateway may listen on `host`. */
export function checkBind(config: Pick<AiproConfig, 'gateway'>, env: Env, host: string): TokenCheck {
  const ref = config.gateway.auth.token;
  if (ref === null || ref === undefined || ref === '') {
    if (isLoopback(host)) return { ok: true, token: null };
    return {
      ok: false,
      message:
        `refusing to listen on ${host}: beyond loopback the gateway needs a client token and gateway.auth.token is ` +
        `not set. Set one with \`${TOKEN_SET_COMMAND}\` (and export AIPRO_GATEWAY_TOKEN), or bind to loopback ` +
        `(--bind loopback).`,
    };
  }
  const r = resolveSecret(ref, env);
  if (!r.ok)
    return {
      ok: false,
      message:
        `gateway.auth.token cannot be read: ${r.detail}. Set it (e.g. export AIPRO_GATEWAY_TOKEN) or change it with ` +
        `\`${TOKEN_SET_COMMAND}\`.`,
    };
  return { ok: true, token: r.value };
}

const digest = (s: string) => createHash('sha256').update(s).digest();

/** Constant-time comparison (hashes have equal length whatever the input). */
export function tokenMatches(presented: string | undefined, expected: string): boolean {
  return timingSafeEqual(digest(presented ?? ''), digest(expected)) && presented !== undefined;
}

/** The token a client presented: `Authorization: Bearer …` or `x-api-key` (Anthropic SDKs). */
export function presentedToken(headers: {
  authorization?: string | undefined;
  'x-api-key'?: string | string[] | undefined;
}): string | undefined {
  const auth = headers.authorization;
  if (auth && /^bearer\s+/i.test(auth)) return auth.replace(/^bearer\s+/i, '').trim();
  const key = headers['x-api-key'];
  return typeof key === 'string' ? key.trim() : undefined;
}
