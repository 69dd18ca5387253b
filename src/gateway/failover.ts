/**
 * Forwarding one request: try each planned (model, profile) in turn. OAuth tokens are
 * refreshed shortly before expiry and once after a 401; auth, rate-limit, billing,
 * overload, 5xx and network failures are recorded on the profile (cooldown/disable)
 * and the next one is tried. The first success is streamed to the client unbuffered.
 * Upstream error text is redacted of every secret sent before anyone sees it.
 */
import { trimSlash } from '../http/client.js';
import { getProvider } from '../providers/index.js';
import { parseRateLimitHeaders } from '../providers/rate-limit-headers.js';
import type { ProbeReason } from '../providers/types.js';
import { fixCommand } from '../store/fix.js';
import type { QuotaRecord, Store } from '../store/schema.js';
import { redact } from '../store/secrets.js';
import type { AgentState, Credential } from './agent-state.js';
import type { Body, ClientApi } from './apis/index.js';
import type { Candidate } from './candidates.js';
import { classifyHttp, classifyNetwork, errorExcerpt } from '../http/classify.js';
import { exhaustedError, type Attempt } from './exhausted.js';
import { firstByte } from './first-byte.js';
import { sendJson, sendText, type GatewayRequest, type GatewayResponse } from './http.js';
import { buildPlan, type PlanInput, type PlannedTry } from './plan.js';
import { ensureRequestId, servedBy } from './own-headers.js';
import { translationFor, type Translation } from './responses/index.js';
import { upstreamRetryAt } from './retry-hints.js';
import type { Runtime } from './runtime.js';
import { Cancel, passHeaders, readBody, sendUpstream, upstreamHeaders } from './upstream.js';
import { type Armed, UpstreamTimeoutError } from './upstream-timeouts.js';

/** One request, resolved: agent, store snapshot, body and candidate models. */
export interface ForwardInput {
  agent: AgentState;
  store: Store;
  body: Body;
  candidates: readonly Candidate[];
  pin?: string;
  /** performance.now() at request start (metrics). */
  started: number;
}

type TryResult = { done: true } | { done: false; attempt: Attempt };

interface Shared {
  rt: Runtime;
  api: ClientApi;
  req: GatewayRequest;
  res: GatewayResponse;
  input: ForwardInput;
  secrets: string[];
  cancel: Cancel;
  requestId: string;
  /** Upstream URLs that gave no HTTP answer in this request: not tried again with another credential. */
  deadUrls: Set<string>;
}

const seconds = (started: number) => (performance.now() - started) / 1000;

function authHeadersFor(api: ClientApi, c: Candidate, cred: Credential, secret: string): Record<string, string> {
  // Gemini's OpenAI-compatible endpoint takes the key as a bearer token, like OpenAI.
  if (api.id === 'openai' && c.endpoint?.api === 'google') return { authorization: `Bearer ${secret}` };
  const p = getProvider(c.provider);
  return p ? p.authHeaders(cred.type, secret) : { authorization: `Bearer ${secret}` };
}

/**
 * The request body as JSON with `model` set: the same text as `JSON.stringify({ ...body, model })`
 * (same key order) without copying the body into a new object per try, which the profile showed
 * costing as much as the serialisation. `body` is left as it was.
 */
export function withModel(body: Body, model: string): string {
  const had = Object.hasOwn(body, 'model');
  const before = body.model;
  body.model = model;
  try {
    return JSON.stringify(body);
  } finally {
    if (had) body.model = before;
    else delete body.model;
  }
}

/** Forward with failover; always ends the response. */
export async function forwardWithFailover(
  rt: Runtime,
  api: ClientApi,
  req: GatewayRequest,
  res: GatewayResponse,
  input: ForwardInput,
): Promise<void> {
  const now = rt.now();
  const planInput: PlanInput = {
    api,
    candidates: input.candidates,
    store: input.store,
    agent: input.agent,
    config: rt.config,
    now,
  };
  if (input.pin) planInput.pin = input.pin;
  const plan = buildPlan(planInput);
  const cancel = new Cancel();
  res.on('close', () => {
    if (!res.writableFinished) cancel.abort();
  });
  const shared: Shared = {
    rt,
    api,
    req,
    res,
    input,
    secrets: [],
    cancel,
    requestId: ensureRequestId(api, res),
    deadUrls: new Set(),
  };
  const attempts: Attempt[] = [];
  const primary = input.candidates[0] as Candidate;
  for (const t of plan.tries) {
    if (cancel.aborted) break;
    const r = await tryProfile(shared, t);
    if (r.done) return;
    attempts.push(r.attempt);
  }
  if (cancel.aborted) {
    rt.metrics.request(primary.provider, primary.ref, 'client_closed', seconds(input.started));
    return;
  }
  const err = exhaustedError(input.agent.id, primary.ref, attempts, plan.skips, rt.now());
  const clean = (s: string) => redact(s, shared.secrets);
  rt.log.warn('gateway.exhausted', {
    request_id: shared.requestId,
    agent: input.agent.id,
    model: primary.ref,
    status: err.status,
    attempts: attempts.map((a) => `${a.profile ?? a.model}:${a.reason}`).join(','),
    ...(plan.skips.length ? { skipped: plan.skips.map((s) => `${s.profile ?? s.model}:${s.reason}`).join(',') } : {}),
    ...(err.retryAfterS ? { retry_after_s: err.retryAfterS } : {}),
  });
  if (err.retryAfterS) res.setHeader('retry-after', String(err.retryAfterS));
  // SDKs retry 502/503 by default; when every credential was refused for good that only repeats the refusals.
  if (!err.shouldRetry) res.setHeader('x-should-retry', 'false');
  sendJson(
    res,
    err.status,
    JSON.parse(clean(JSON.stringify(api.errorBody(err.status, err.kind, err.message, err.extra)))),
  );
  rt.metrics.request(primary.provider, primary.ref, 'exhausted', seconds(input.started));
}

/** The quota an upstream answer's rate-limit headers show, as stored; undefined when they show none. */
function quotaOf(headers: import('node:http').IncomingHttpHeaders, now: number): QuotaRecord | undefined {
  const limits = parseRateLimitHeaders(headers, now);
  return limits ? { at: now, windows: limits.windows, ...(limits.status ? { status: limits.status } : {}) } : undefined;
}

async function fail(
  s: Shared,
  t: PlannedTry,
  reason: ProbeReason,
  a: Omit<Attempt, 'model' | 'profile' | 'reason'>,
  quota?: QuotaRecord,
): Promise<TryResult> {
  const { rt, input } = s;
  let coolingUntil: number | undefined;
  try {
    const stats = rt.usage.failure(input.agent, t.profileId, reason, rt.now(), quota);
    coolingUntil = Math.max(stats.cooldownUntil ?? 0, stats.disabledUntil ?? 0) || undefined;
  } catch (err) {
    rt.log.error('gateway.usage_write_failed', {
      agent: input.agent.id,
      profile: t.profileId,
      error: redact(String((err as Error).message), s.secrets),
    });
  }
  rt.metrics.failover(t.candidate.provider, reason);
  rt.log.warn('gateway.failover', {
    request_id: s.requestId,
    agent: input.agent.id,
    model: t.candidate.ref,
    profile: t.profileId,
    reason,
    ...(a.status ? { status: a.status } : {}),
  });
  return {
    done: false,
    attempt: { model: t.candidate.ref, profile: t.profileId, reason, ...a, ...(coolingUntil ? { coolingUntil } : {}) },
  };
}

/** No usable HTTP answer, and not the credential's fault: counted and logged, no cooldown. */
function endpointFailure(s: Shared, t: PlannedTry, reason: ProbeReason, detail: string): TryResult {
  const c = t.candidate;
  s.rt.metrics.endpointError(c.provider, reason);
  s.rt.log.warn('gateway.endpoint_failed', {
    request_id: s.requestId,
    agent: s.input.agent.id,
    model: c.ref,
    profile: t.profileId,
    reason,
    detail,
  });
  return { done: false, attempt: { model: c.ref, profile: t.profileId, reason, detail, endpoint: true } };
}

async function tryProfile(s: Shared, t: PlannedTry): Promise<TryResult> {
  const { rt, api, input } = s;
  const c = t.candidate;
  const skip = (reason: string, detail: string): TryResult => ({
    done: false,
    attempt: { model: c.ref, profile: t.profileId, reason, detail },
  });
  const cred = input.agent.credential(input.store, t.profileId);
  if (!cred) return skip('invalid', 'profile not found in the store');
  if (!cred.secret.ok) return skip('invalid', cred.secret.detail);
  let secret = cred.secret.value;
  s.secrets.push(secret);
  let refreshed = false;
  const now = rt.now();
  if (cred.expires !== undefined && cred.expires - now <= rt.config.auth.refreshSkewMs) {
    if (cred.refreshable) {
      const r = await rt.refresh(input.agent, t.profileId, { force: false });
      if (r.ok) {
        secret = r.access;
        s.secrets.push(secret);
        refreshed = r.refreshed;
      } else if (cred.expires <= now) {
        rt.log.warn('gateway.refresh_failed', { agent: input.agent.id, profile: t.profileId, reason: r.reason });
        return r.permanent
          ? fail(s, t, 'auth', {
              detail: `token refresh refused: ${redact(r.detail, s.secrets)}`,
              hint: fixCommand({ provider: c.provider, type: 'oauth', profileId: t.profileId, agent: input.agent.id }),
            })
          : skip('refresh_failed', redact(r.detail, s.secrets));
      }
    } else if (cred.expires <= now) {
      return skip(
        'expired',
        `expired at ${new Date(cred.expires).toISOString()}; ` +
          `${fixCommand({ provider: c.provider, type: cred.type, profileId: t.profileId, agent: input.agent.id })}`,
      );
    }
  }
  const endpoint = c.endpoint as NonNullable<Candidate['endpoint']>;
  const url = `${trimSlash(cred.baseUrl ?? endpoint.baseUrl)}${api.upstreamPath(endpoint.api)}`;
  if (s.deadUrls.has(url))
    return {
      done: false,
      attempt: {
        model: c.ref,
        profile: t.profileId,
        reason: 'network',
        detail: 'not tried: the endpoint gave no answer earlier in this request',
        endpoint: true,
      },
    };
  const tr = translationFor(api.id, endpoint.api, input.body, c.model);
  const body = tr ? tr.body : withModel(input.body, c.model);
  // Built before the request is spent: a header value node would refuse must fail here, not after.
  const own = servedBy(t.profileId, c.ref);
  for (let round = 0; round < 2; round++) {
    const extra = tr ? tr.headers(cred, secret) : { ok: true as const, headers: {} };
    if (!extra.ok) return skip('invalid', extra.detail);
    const up = await sendUpstream(
      url,
      upstreamHeaders(s.req.headers, { ...authHeadersFor(api, c, cred, secret), ...extra.headers }),
      body,
      s.cancel,
      rt.config.gateway.timeouts,
    );
    if (!up.ok) {
      if (s.cancel.aborted)
        return { done: false, attempt: { model: c.ref, profile: t.profileId, reason: 'client_closed' } };
      const net = classifyNetwork(up);
      if (!net.endpoint) return fail(s, t, net.reason, { detail: up.detail });
      s.deadUrls.add(url);
      return endpointFailure(s, t, net.reason, up.detail);
    }
    const status = up.res.statusCode ?? 502;
    const quota = quotaOf(up.res.headers, rt.now());
    if (status < 400) {
      // A small answer arrives with its headers: its bytes are buffered already, nothing to wait for.
      const cut = up.res.readableLength > 0 ? null : await firstByte(up.res);
      if (cut) {
        if (s.cancel.aborted)
          return { done: false, attempt: { model: c.ref, profile: t.profileId, reason: 'client_closed' } };
        up.res.destroy();
        up.idle.clear();
        const detail = `HTTP ${status}, then ${cut.message}`;
        return cut instanceof UpstreamTimeoutError
          ? fail(s, t, 'timeout', { status, detail }, quota)
          : endpointFailure(s, t, 'network', detail);
      }
      // Batched with the success: a spent window (remaining 0) is skipped from the next request on.
      if (quota) rt.usage.quota(input.agent, t.profileId, quota);
      streamSuccess(s, t, up.res, up.idle, status, own, tr);
      return { done: true };
    }
    const text = redact(await readBody(up.res), s.secrets);
    up.idle.clear();
    const cls = classifyHttp(status, text);
    if (cls.refreshable && cred.refreshable && round === 0 && !refreshed) {
      const r = await rt.refresh(input.agent, t.profileId, { force: true, seenAccess: secret });
      refreshed = true;
      if (r.ok && r.access !== secret) {
        secret = r.access;
        s.secrets.push(secret);
        rt.log.info('gateway.refreshed_after_401', { agent: input.agent.id, profile: t.profileId });
        continue;
      }
      if (!r.ok)
        rt.log.warn('gateway.refresh_failed', { agent: input.agent.id, profile: t.profileId, reason: r.reason });
    }
    const retryAt = upstreamRetryAt(up.res.headers, rt.now());
    if (cls.failover)
      return fail(
        s,
        t,
        cls.reason,
        {
          status,
          detail: errorExcerpt(text),
          ...(cls.hint ? { hint: cls.hint } : {}),
          ...(retryAt ? { retryAt } : {}),
        },
        quota,
      );
    if (quota) rt.usage.quota(input.agent, t.profileId, quota);
    // The request itself was refused (bad model, bad body): the client sees the provider's answer.
    const headers = passHeaders(up.res, (v) => redact(v, s.secrets));
    sendText(s.res, status, text, { ...headers, ...own });
    rt.metrics.request(c.provider, c.ref, 'upstream_error', seconds(input.started));
    return { done: true };
  }
  return skip('auth', 'still refused after refreshing the token');
}

/** Send the upstream's success response through as it arrives (SSE stays unbuffered). */
function streamSuccess(
  s: Shared,
  t: PlannedTry,
  up: import('node:http').IncomingMessage,
  idle: Armed,
  status: number,
  own: Readonly<Record<string, string>>,
  tr: Translation | null,
): void {
  const { rt, res, input } = s;
  const c = t.candidate;
  // Plain node header calls: express's res.set() does mime work per call on the hot path.
  res.statusCode = status;
  const headers = passHeaders(up, (v) => redact(v, s.secrets));
  for (const k in headers) res.setHeader(k, headers[k] as string);
  for (const k in own) res.setHeader(k, own[k] as string);
  if (tr) {
    // A translated answer: the relay sets its own framing (SSE or one JSON body).
  } else if (/event-stream/i.test(String(up.headers['content-type'] ?? ''))) {
    res.setHeader('x-accel-buffering', 'no');
    res.setHeader('cache-control', 'no-cache');
    // Headers go out now, so the client sees the stream open before the first event.
    res.flushHeaders();
  } else if (up.headers['content-length'] && !up.headers['transfer-encoding']) {
    // Bytes pass through unchanged: keep the length (one write, no chunked framing).
    res.setHeader('content-length', up.headers['content-length']);
  }
  rt.usage.success(input.agent, t.profileId, rt.now());
  let finished = false;
  let clientGone = false;
  let truncated = false;
  up.on('end', () => {
    finished = true;
    idle.clear();
  });
  // The upstream ended the body early (reset, idle timeout): its failure, not the client's.
  const cut = (err?: Error) => {
    if (finished || clientGone || truncated) return;
    truncated = true;
    rt.log.warn('gateway.upstream_truncated', {
      request_id: s.requestId,
      agent: input.agent.id,
      model: c.ref,
      profile: t.profileId,
      reason: err instanceof UpstreamTimeoutError ? 'timeout' : 'network',
      ...(err ? { detail: err.message } : {}),
    });
    res.destroy();
  };
  up.on('error', cut);
  up.on('close', () => cut());
  res.on('close', () => {
    idle.clear();
    if (!finished) {
      clientGone = !truncated;
      up.destroy();
    }
    rt.metrics.request(
      c.provider,
      c.ref,
      finished ? 'ok' : truncated ? 'upstream_truncated' : 'client_closed',
      seconds(input.started),
    );
  });
  if (tr) tr.relay(up, res, (v) => redact(v, s.secrets));
  else up.pipe(res);
}
