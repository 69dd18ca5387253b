/**
 * What the channel plug-ins share (they never import each other): one HTTP POST with a
 * timeout classified as delivered / retry / permanent, send-time secret resolution, and
 * printable URLs.
 */
import type { SecretValue } from '../../config/schema.js';
import { resolveSecret } from '../../store/secrets.js';
import type { DeliveryResult } from '../types.js';

/** Resolve a secret value or return the failure as a retryable delivery result. */
export function resolveOrRetry(
  v: SecretValue,
  key: string,
  env: Record<string, string>,
): { ok: true; value: string } | { ok: false; result: DeliveryResult } {
  const r = resolveSecret(v, env);
  return r.ok
    ? { ok: true, value: r.value }
    : { ok: false, result: { ok: false, retry: true, detail: `${key}: ${r.detail}` } };
}

/** A URL safe to print: scheme and host only (paths and queries often embed tokens). */
export function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname === '/' ? '/' : '/…'}`;
  } catch {
    return '(invalid URL)';
  }
}

/** 2xx delivered; 408, 425, 429 and 5xx retry; other 4xx permanent; network errors retry. */
export function classifyStatus(status: number): DeliveryResult {
  if (status >= 200 && status < 300) return { ok: true, detail: `HTTP ${status}` };
  const retry = status === 408 || status === 425 || status === 429 || status >= 500;
  return { ok: false, retry, detail: `HTTP ${status}` };
}

/** POST `body`; never throws. `what` names the target in messages (never the full URL). */
export async function post(
  url: string,
  body: string,
  headers: Record<string, string>,
  signal: AbortSignal,
  what: string,
): Promise<DeliveryResult> {
  try {
    const res = await fetch(url, { method: 'POST', body, headers, signal, redirect: 'manual' });
    // Drain the body so the connection is released; its content is not trusted into logs.
    await res.arrayBuffer().catch(() => undefined);
    const r = classifyStatus(res.status);
    return r.ok ? r : { ...r, detail: `${what} answered ${r.detail}` };
  } catch (err) {
    const e = err as Error & { cause?: { code?: string; message?: string } };
    // fetch refuses some ports itself ("bad port") with a cause that has no code; its short
    // message is the only useful word then. A message that may quote the URL (a secret for
    // many webhooks) is never used.
    const said = e.cause?.message;
    const words = said && said.length <= 60 && !said.includes('/') ? said : undefined;
    const code =
      e.name === 'AbortError' || e.name === 'TimeoutError' ? 'timed out' : (e.cause?.code ?? words ?? 'network error');
    return { ok: false, retry: true, detail: `${what} unreachable (${code})` };
  }
}
