/**
 * Which models a request may be served by, in order: the session's `/model` choice, else
 * the request's `model`, else `models.default`; then `models.fallbacks`. Each candidate
 * carries the provider's wire API and base URL (config `models.providers.<id>.baseUrl`
 * first, so tests and operators can point a provider anywhere). Pure.
 */
import { trimSlash } from '../http/client.js';
import { resolveModelRef, type ModelRef } from '../config/models.js';
import type { AiproConfig } from '../config/schema.js';
import { getProvider } from '../providers/index.js';
import type { Provider } from '../providers/types.js';
import type { ApiId } from './apis/index.js';

/** A provider's wire API and base URL. */
export interface Endpoint {
  api: Provider['api'];
  baseUrl: string;
}

/** One model a request may be served by. */
export interface Candidate extends ModelRef {
  /** `provider/model`. */
  ref: string;
  role: 'primary' | 'fallback';
  /** Null when aipro does not know the provider (no provider file, no `models.providers` entry). */
  endpoint: Endpoint | null;
}

/** Where the primary model came from (shown by `/model status`). */
export type TargetSource = 'session' | 'request' | 'default';

/** The provider a bare model name (no `provider/`) belongs to, per client API. */
const NATIVE_PROVIDER: Record<ApiId, string> = { anthropic: 'anthropic', openai: 'openai' };

/** Models named in config: default, alias targets and fallbacks (`provider/model`). */
export function configuredModels(config: Pick<AiproConfig, 'models'>): string[] {
  const refs = [config.models.default, ...Object.values(config.models.aliases), ...config.models.fallbacks];
  const out: string[] = [];
  for (const r of refs) {
    const m = r ? resolveModelRef(r, config) : null;
    if (m && !out.includes(`${m.provider}/${m.model}`)) out.push(`${m.provider}/${m.model}`);
  }
  return out;
}

/**
 * Resolve what a client wrote: an alias, `provider/model`, or a bare upstream model id
 * (matched against configured models first, else taken as the client API's own provider).
 */
export function resolveRequested(ref: string, config: Pick<AiproConfig, 'models'>, api: ApiId): ModelRef | null {
  const direct = resolveModelRef(ref, config);
  if (direct) return direct;
  const bare = ref.trim();
  if (bare === '' || bare.includes('/')) return null;
  const known = configuredModels(config).find((r) => r.slice(r.indexOf('/') + 1) === bare);
  if (known) return resolveModelRef(known, config);
  return { provider: NATIVE_PROVIDER[api], model: bare };
}

/** Where a provider is reached: its wire API and base URL, or null when unknown. */
export function providerEndpoint(provider: string, config: Pick<AiproConfig, 'models'>): Endpoint | null {
  const settings = Object.hasOwn(config.models.providers, provider) ? config.models.providers[provider] : undefined;
  const p = getProvider(provider);
  const baseUrl = (typeof settings?.baseUrl === 'string' && settings.baseUrl) || p?.defaultBaseUrl;
  if (!baseUrl) return null;
  const api = p?.api ?? (settings?.api === 'anthropic' || settings?.api === 'google' ? settings.api : 'openai');
  return { api, baseUrl: trimSlash(baseUrl) };
}

/** The primary model of a request and where the choice came from. */
export function primaryModel(
  sessionModel: string | undefined,
  requested: unknown,
  config: Pick<AiproConfig, 'models'>,
  api: ApiId,
): { ok: true; ref: ModelRef; source: TargetSource } | { ok: false; detail: string } {
  if (sessionModel) {
    const m = resolveModelRef(sessionModel, config);
    if (m) return { ok: true, ref: m, source: 'session' };
  }
  if (typeof requested === 'string' && requested.trim() !== '' && requested !== 'default') {
    const m = resolveRequested(requested, config, api);
    if (!m)
      return {
        ok: false,
        detail:
          `model "${requested}" names no provider: use an alias from models.aliases or provider/model (e.g. ` +
          `anthropic/claude-sonnet-4-5)`,
      };
    return { ok: true, ref: m, source: 'request' };
  }
  const d = resolveModelRef(config.models.default, config);
  if (!d)
    return {
      ok: false,
      detail:
        `models.default "${config.models.default}" names no provider; fix it with \`aipro config set models.default ` +
        `anthropic/claude-sonnet-4-5\``,
    };
  return { ok: true, ref: d, source: 'default' };
}

/** The primary model followed by each configured fallback (duplicates dropped). */
export function candidatesFor(primary: ModelRef, config: Pick<AiproConfig, 'models'>): Candidate[] {
  const out: Candidate[] = [];
  const add = (m: ModelRef, role: Candidate['role']) => {
    const ref = `${m.provider}/${m.model}`;
    if (out.some((c) => c.ref === ref)) return;
    out.push({ ...m, ref, role, endpoint: providerEndpoint(m.provider, config) });
  };
  add(primary, 'primary');
  for (const f of config.models.fallbacks) {
    const m = resolveModelRef(f, config);
    if (m) add(m, 'fallback');
  }
  return out;
}

/** A request's primary model (and where it came from) with its candidates, or why there is none. */
export type Resolved =
  | { ok: true; ref: ModelRef; source: TargetSource; candidates: readonly Candidate[] }
  | { ok: false; detail: string };

/** Distinct (session model, requested model) pairs remembered before the memo starts over. */
const MEMO_MAX = 512;

/**
 * `primaryModel` then `candidatesFor`, remembered per (session model, requested model) for
 * one config: both are pure, and resolving aliases, fallbacks and endpoints on every request
 * showed in the gateway's profile. The memo starts over when the config object changes or
 * past MEMO_MAX entries (clients choose the model strings). Callers must not mutate the result.
 */
export function candidateResolver(
  api: ApiId,
): (config: Pick<AiproConfig, 'models'>, sessionModel: string | undefined, requested: unknown) => Resolved {
  let memo = new Map<string, Resolved>();
  let memoConfig: unknown = null;
  return (config, sessionModel, requested) => {
    if (config !== memoConfig) {
      memo = new Map();
      memoConfig = config;
    }
    // A non-string model means "not given", like an absent one.
    const key = `${sessionModel ?? ''}\n${typeof requested === 'string' ? requested : ''}`;
    let r = memo.get(key);
    if (!r) {
      const p = primaryModel(sessionModel, requested, config, api);
      r = p.ok ? { ...p, candidates: candidatesFor(p.ref, config) } : p;
      if (memo.size >= MEMO_MAX) memo.clear();
      memo.set(key, r);
    }
    return r;
  };
}
