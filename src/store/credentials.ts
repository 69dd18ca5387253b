/**
 * Turning an agent's store plus the environment into the list of credentials that
 * status, metrics and alerts judge. Env-var credentials appear as `<provider>:env`.
 */
import { getProvider, PROVIDERS } from '../providers/index.js';
import type { Env } from './paths.js';
import { profileProvider, type Profile, type Store } from './schema.js';
import { profileSecret, sha256Prefix, type SecretResolution } from './secrets.js';
import type { CredentialView } from './status.js';

function shapeProblem(provider: string, type: Profile['type'], secret: SecretResolution): string | null {
  if (!secret.ok) return null;
  const p = getProvider(provider);
  if (p) return p.validateSecret(type, secret.value);
  return secret.value.length === 0 ? 'the secret is empty' : null;
}

/** A stored profile as a status view. */
export function profileView(agent: string, id: string, profile: Profile, store: Store, env: Env, hashSecrets = true): CredentialView {
  const secret = profileSecret(profile, env);
  const stats = store.usageStats?.[id];
  // The hash is needed to match a stored probe to this secret, and by the monitor to notice a replaced credential.
  const hash = secret.ok && (hashSecrets || stats?.lastProbe) ? sha256Prefix(secret.value) : undefined;
  return {
    agent,
    id,
    provider: profile.provider,
    type: profile.type,
    source: 'profile',
    secret,
    shapeProblem: shapeProblem(profile.provider, profile.type, secret),
    ...(profile.expires !== undefined ? { expires: profile.expires } : {}),
    hasRefreshToken: profile.type === 'oauth' && typeof profile.refresh === 'string' && profile.refresh.length > 0,
    ...(stats ? { stats } : {}),
    ...(hash ? { secretHash: hash } : {}),
    ...(profile.email ? { email: profile.email } : {}),
    ...(profile.accountId ? { accountId: profile.accountId } : {}),
  };
}

/** Provider API keys found in the environment, one view per provider (first env var wins). */
export function envViews(agent: string, env: Env, store?: Store, hashSecrets = true): CredentialView[] {
  const out: CredentialView[] = [];
  for (const p of Object.values(PROVIDERS)) {
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
  for (const [id, profile] of Object.entries(store.profiles)) views.push(profileView(agent, id, profile, store, env, hash));
  if (opts.includeEnv !== false) views.push(...envViews(agent, env, store, hash));
  for (const [id, decl] of Object.entries(opts.configProfiles ?? {})) {
    if (store.profiles[id]) continue;
    views.push(missingView(agent, decl.provider ?? profileProvider(id), id, 'config'));
  }
  const covered = new Set(views.filter((v) => v.type !== 'none').map((v) => v.provider));
  const declaredMissing = new Set(views.filter((v) => v.type === 'none').map((v) => v.provider));
  for (const provider of new Set(opts.providersInUse ?? [])) {
    if (!covered.has(provider) && !declaredMissing.has(provider)) views.push(missingView(agent, provider, `${provider}:none`, 'config'));
  }
  const filtered = opts.provider ? views.filter((v) => v.provider === opts.provider) : views;
  return filtered.sort((a, b) => (a.provider === b.provider ? a.id.localeCompare(b.id) : a.provider.localeCompare(b.provider)));
}

function missingView(agent: string, provider: string, id: string, source: 'config'): CredentialView {
  return { agent, id, provider, type: 'none', source, secret: { ok: false, detail: 'no credential' }, shapeProblem: null, hasRefreshToken: false };
}

/** The message operators see for a provider with no credential. */
export function noCredentialsHint(provider: string): string {
  const p = getProvider(provider);
  if (provider === 'anthropic') {
    return 'No credentials found for anthropic — run `claude setup-token` on this host, then `aipro models auth setup-token --provider anthropic`, or set ANTHROPIC_API_KEY';
  }
  const env = p?.envVars[0];
  const cmd = p?.types.includes('oauth') && !p.types.includes('api_key') ? `aipro models auth login --provider ${provider}` : `aipro models auth add-key --provider ${provider}`;
  return `No credentials found for ${provider} — run \`${cmd}\`${env ? `, or set ${env}` : ''}`;
}
