/**
 * Headers the gateway writes itself. Values carrying user-chosen ids (profile ids, model
 * refs) are percent-encoded: HTTP header values are Latin-1 at best, and an id like
 * `anthropic:中文` would make node refuse the header after the upstream request was already
 * spent. Every response the gateway makes itself carries a request id under the header
 * name the client's SDK reads (`request-id` for Anthropic, `x-request-id` for OpenAI).
 */
import { randomFillSync } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { headerValue } from '../util/header-value.js';
import type { ClientApi } from './apis/index.js';

// Encoded per (profile, model) once: the same few pairs serve every request.
const served = new Map<string, Readonly<Record<string, string>>>();

/** The gateway's own headers naming the profile and model that served a response (do not mutate). */
export function servedBy(profileId: string, modelRef: string): Readonly<Record<string, string>> {
  const key = `${profileId}\n${modelRef}`;
  let h = served.get(key);
  if (!h) {
    h = { 'x-aipro-auth-profile': headerValue(profileId), 'x-aipro-model': headerValue(modelRef) };
    if (served.size >= 1024) served.clear();
    served.set(key, h);
  }
  return h;
}

/** The request-id header a client of `api` reads. */
export function requestIdHeader(api: Pick<ClientApi, 'id'>): string {
  return api.id === 'anthropic' ? 'request-id' : 'x-request-id';
}

// Request ids come from a pool of random bytes refilled 256 ids at a time: one getrandom
// call per request was ~1.5 % of the gateway's CPU per request.
const ID_BYTES = 12;
const pool = Buffer.alloc(ID_BYTES * 256);
let used = pool.length;

/** A new gateway request id (`req_aipro_` + 24 hex). */
export function newRequestId(): string {
  if (used === pool.length) {
    randomFillSync(pool);
    used = 0;
  }
  used += ID_BYTES;
  return `req_aipro_${pool.toString('hex', used - ID_BYTES, used)}`;
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
