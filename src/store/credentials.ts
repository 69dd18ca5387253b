/**
 * Turning an agent's store plus the environment into the list of credentials that
 * status, metrics and alerts judge. Env-var credentials appear as `<provider>:env`.
 */
import { CATALOG, providerFacts } from '../providers/catalog.js';
import type { Env } from './paths.js';
import {
  CREDENTIAL_TYPES,
  badStatsReason,
  malformedProfiles,
  profileProvider,
  type CredentialType,
  type Profile,
  type Store,
} from './schema.js';
import { profileSecret, type SecretResolution } from './secrets.js';
import { sha256Prefix } from '../util/sha256.js';
import type { CredentialView } from './status.js';
import { compareText } from '../util/collate.js';

function shapeProblem(provider: string, type: Profile['type'], secret: SecretResolution): string | null {
  if (!secret.ok) return null;
  const p = providerFacts(provider);
  if (p) return p.validateSecret(type, secret.value);
  return secret.value.length === 0 ? 'the secret is empty' : null;
}

/** A stored profile as a status view. */
export function profileView(
  agent: string,
  id: string,
  profile: Profile,
  store: Store,
  env: Env,
  hashSecrets = true,
): CredentialView {
  const secret = profileSecret(profile, env);
  const stats = store.usageStats?.[id];
  // The hash is needed to match a stored probe to this secret, and by the monitor to notice a replaced credential.
  const hash = secret.ok && (hashSecrets || stats?.lastProbe) ? sha256Prefix(secret.value) : undefined;
  // Optional fields assigned one by one, in the order a reader sees them: a spread of a
  // conditional literal per field built ~7 throwaway objects per profile (10,000 per monitor cycle).
  // hasRefreshToken is set below, after `expires`, to keep the fields in the order readers saw so far.
  const view = {
    agent,
    id,
    provider: profile.provider,
    type: profile.type,
    source: 'profile',
    secret,
    shapeProblem: shapeProblem(profile.provider, profile.type, secret),
  } as CredentialView;
  if (profile.expires !== undefined) view.expires = profile.expires;
  view.hasRefreshToken = profile.type === 'oauth' && typeof profile.refresh === 'string' && profile.refresh.length > 0;
  if (
    typeof profile.refreshExpires === 'number' &&
    Number.isFinite(profile.refreshExpires) &&
    profile.refreshExpires > 0
  )
    view.refreshExpires = profile.refreshExpires;
  if (stats) view.stats = stats;
  if (hash) view.secretHash = hash;
  if (profile.email) view.email = profile.email;
  if (profile.accountId) view.accountId = profile.accountId;
  // Unreadable stats may hide a refused refresh or a billing disable: not knowing is not ok.
  const malformed = badStatsReason(store, id);
  if (malformed !== undefined) view.malformed = malformed;
  return view;
}

/** A profile that did not parse, as a view that status judges `invalid` with its reason. */
export function malformedView(agent: string, m: ReturnType<typeof malformedProfiles>[number]): CredentialView {
  const known = (CREDENTIAL_TYPES as readonly string[]).includes(m.type ?? '') ? (m.type as CredentialType) : 'unknown';
  return {
    agent,
    id: m.id,
    provider: m.provider,
    type: known,
    source: 'profile',
    secret: { ok: false, detail: m.reason },
    shapeProblem: null,
    hasRefreshToken: false,
    malformed: m.reason,
  };
}

/** Provider API keys found in the environment, one view per provider (first env var wins). */
export function envViews(agent: string, env: Env, store?: Store, hashSecrets = true): CredentialView[] {
  const out: CredentialView[] = [];
  for (const p of Object.values(CATALOG)) {
    const name = p.envVars.find((v) => (env[v] ?? '').trim() !== '');
    if (!name) continue;
    const value = (env[name] as string).trim();
    const id = `${p.id}:env`;
    const stats = store?.usageStats?.[id];
    const hash = hashSecrets || stats?.lastProbe ? sha256Prefix(value) : undefined;
    out.push({
      agent,
      id,
      provider: p.id,
      type: 'api_key',
      source: 'env',
      secret: { ok: true, value },
      shapeProblem: p.validateSecret('api_key', value),
      hasRefreshToken: false,
      ...(hash ? { secretHash: hash } : {}),
      envVar: name,
      ...(stats ? { stats } : {}),
    });
  }
  return out;
}

export interface CollectOptions {
  /** Providers that must have a credential (configured model, order, `--provider`). */
  providersInUse?: Iterable<string>;
  /** Profiles declared in config `auth.profiles` (id -> provider/mode). */
  configProfiles?: Record<string, { provider?: string; mode?: string }>;
  /** Only this provider. */
  provider?: string;
  /** Include env credentials (default true). */
  includeEnv?: boolean;
  /** Compute `secretHash` for every credential (default true; status output can skip it). */
  hashSecrets?: boolean;
}

/** Every credential of one agent: store profiles, env keys, config-declared and missing providers. */
export function collectCredentials(agent: string, store: Store, env: Env, opts: CollectOptions = {}): CredentialView[] {
  const views: CredentialView[] = [];
  const hash = opts.hashSecrets !== false;
  for (const [id, profile] of Object.entries(store.profiles))
    views.push(profileView(agent, id, profile, store, env, hash));
  const malformed = malformedProfiles(store);
  for (const m of malformed) views.push(malformedView(agent, m));
  const stored = new Set([...Object.keys(store.profiles), ...malformed.map((m) => m.id)]);
  if (opts.includeEnv !== false) views.push(...envViews(agent, env, store, hash));
  // Config declarations describe the default agent (the caller passes them for it only) and
  // only say "this provider is in use": the store is the truth for which profiles exist, so a
  // declared id that is gone while the provider still has a credential is not `missing`.
  const covered = new Set(views.map((v) => v.provider));
  for (const [id, decl] of Object.entries(opts.configProfiles ?? {})) {
    const provider = decl.provider ?? profileProvider(id);
    if (stored.has(id) || covered.has(provider)) continue;
    views.push(missingView(agent, provider, id, 'config'));
    covered.add(provider);
  }
  for (const provider of new Set(opts.providersInUse ?? [])) {
    if (!covered.has(provider)) views.push(missingView(agent, provider, `${provider}:none`, 'config'));
    covered.add(provider);
  }
  const filtered = opts.provider ? views.filter((v) => v.provider === opts.provider) : views;
  return filtered.sort((a, b) =>
    a.provider === b.provider ? compareText(a.id, b.id) : compareText(a.provider, b.provider),
  );
}

function missingView(agent: string, provider: string, id: string, source: 'config'): CredentialView {
  return {
    agent,
    id,
    provider,
    type: 'none',
    source,
    secret: { ok: false, detail: 'no credential' },
    shapeProblem: null,
    hasRefreshToken: false,
  };
}

/** The message operators see for a provider with no credential; `command` stores one. */
export function noCredentialsHint(provider: string, command: string): string {
  const env = providerFacts(provider)?.envVars[0];
  return `No credentials found for ${provider} — run \`${command}\`${env ? `, or set ${env}` : ''}`;
}
