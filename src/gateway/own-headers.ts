/**
 * Headers the gateway writes itself. Values carrying user-chosen ids (profile ids, model
 * refs) are percent-encoded: HTTP header values are Latin-1 at best, and an id like
 * `anthropic:中文` would make node refuse the header after the upstream request was already
 * spent. Every response the gateway makes itself carries a request id under the header
 * name the client's SDK reads (`request-id` for Anthropic, `x-request-id` for OpenAI).
 */
import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { ClientApi } from './apis/index.js';

/**
 * Percent-encode (UTF-8) every byte outside visible ASCII, and `%` itself, so the value is
 * a valid header and `decodeURIComponent` restores it. Plain ASCII ids pass unchanged.
 */
export function encodeHeaderValue(value: string): string {
  // Buffer encodes a lone surrogate as U+FFFD (encodeURIComponent would throw).
  return value.replace(/[^\x21-\x24\x26-\x7e]/gu, (ch) => [...Buffer.from(ch, 'utf8')].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join(''));
}

/** The gateway's own headers naming the profile and model that served a response. */
export function servedBy(profileId: string, modelRef: string): Record<string, string> {
  return { 'x-aipro-auth-profile': encodeHeaderValue(profileId), 'x-aipro-model': encodeHeaderValue(modelRef) };
}

/** The request-id header a client of `api` reads. */
export function requestIdHeader(api: Pick<ClientApi, 'id'>): string {
  return api.id === 'anthropic' ? 'request-id' : 'x-request-id';
}

/** A new gateway request id (`req_aipro_` + 24 hex). */
export function newRequestId(): string {
  return `req_aipro_${randomBytes(12).toString('hex')}`;
}

/** The request id already set on `res`, or a new one set now. */
export function ensureRequestId(api: Pick<ClientApi, 'id'>, res: ServerResponse): string {
  const name = requestIdHeader(api);
  const have = res.getHeader(name);
  if (typeof have === 'string' && have !== '') return have;
  const id = newRequestId();
  if (!res.headersSent) res.setHeader(name, id);
  return id;
}
