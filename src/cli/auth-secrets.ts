/**
 * `models auth paste-token | setup-token | add-key`: take ONE secret from a hidden prompt
 * or stdin, check its shape for the provider, store it under the store lock, and declare
 * it in config `auth.profiles`. A rejected secret leaves the store untouched.
 * The store alone makes a profile whole: the config declaration is optional metadata written
 * after the store, so a crash between the two leaves a working, undeclared profile, and a
 * config that cannot be written is a warning, never a lost credential.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { basicSecretProblem } from '../providers/common.js';
import { SETUP_TOKEN_PREFIX as SETUP_PREFIX } from '../providers/anthropic.js';
import { getProvider } from '../providers/index.js';
import { LockTimeoutError } from '../store/lock.js';
import { profileIdProblem, putSecretProfile } from '../store/mutations.js';
import { storeErrorMessage } from '../store/read.js';
import { fingerprint } from '../store/secrets.js';
import { StoreUnreadableError } from '../store/write.js';
import { storeLocation } from '../store/backends/index.js';
import { updateAgentStore, withBackend } from './store-backend.js';
import { formatRelative, isoUtc, parseDuration } from '../util/duration.js';
import { declareProfile } from '../config/file.js';
import { loadContext, resolveAgent, type Context } from '../context.js';
import { CliError, EXIT, usageError } from './errors.js';
import { isInteractive, readSecret } from './prompt-secret.js';
import { own } from '../util/own.js';
import { contextOptions, io } from './io.js';

export interface SecretCmdOptions {
  provider: string;
  profileId?: string;
  expiresIn?: string;
  agent?: string;
  json?: boolean;
}

type SecretType = 'api_key' | 'token';

/**
 * Token lifetimes a provider documents, recorded when the operator gives none: an Anthropic
 * setup-token lasts one year (what `setup-token` records too).
 */
const DEFAULT_TOKEN_LIFETIME: Readonly<Record<string, string>> = { anthropic: '365d' };
const PROVIDER_RE = /^[a-z0-9][a-z0-9._-]{0,63}$/;

/** Check the provider accepts this credential type; unknown providers are allowed (any provider). */
export function checkProvider(provider: string, type: SecretType): void {
  if (!PROVIDER_RE.test(provider))
    throw usageError(`--provider "${provider}" is not a provider id (lowercase letters, digits, "-", e.g. anthropic)`);
  const p = getProvider(provider);
  if (!p || p.types.includes(type)) return;
  const alt = p.types.includes('api_key')
    ? `aipro models auth add-key --provider ${provider}`
    : p.types.includes('token')
      ? `aipro models auth paste-token --provider ${provider}`
      : `aipro models auth login --provider ${provider}`;
  throw usageError(`${p.label} does not accept ${type === 'token' ? 'tokens' : 'API keys'}; use \`${alt}\``);
}

/**
 * An Anthropic secret of the other kind (a setup-token given to add-key, an API key given to
 * paste-token): what it is and the command that stores it, or null. Only the public prefix
 * is ever named.
 */
export function wrongKind(
  provider: string,
  type: SecretType,
  secret: string,
): { problem: string; command: string } | null {
  if (provider !== 'anthropic') return null;
  if (type === 'api_key' && secret.startsWith(SETUP_PREFIX)) {
    return {
      problem: `this is an Anthropic setup-token (${SETUP_PREFIX}…), not an API key (those start with sk-ant-api)`,
      command: 'aipro models auth paste-token --provider anthropic',
    };
  }
  if (type === 'token' && secret.startsWith('sk-ant-api')) {
    return {
      problem: `this is an Anthropic API key (sk-ant-api…), not a setup-token (those start with ${SETUP_PREFIX})`,
      command: 'aipro models auth add-key --provider anthropic',
    };
  }
  return null;
}

/** Shape problems of a secret for a provider (null when it looks right). Never echoes it. */
export function secretProblem(provider: string, type: SecretType, secret: string): string | null {
  const wrong = wrongKind(provider, type, secret);
  if (wrong) return `${wrong.problem}; store it with \`${wrong.command}\``;
  const p = getProvider(provider);
  return p ? p.validateSecret(type, secret) : basicSecretProblem(secret);
}

/** Where `paste-token`/`add-key` send errors to retry. */
function retryCommand(type: SecretType, provider: string): string {
  return type === 'token'
    ? `aipro models auth paste-token --provider ${provider}`
    : `aipro models auth add-key --provider ${provider}`;
}

/** Store one secret as a profile (the common tail of all three commands). Returns the exit code. */
export async function saveSecret(
  ctx: Context,
  type: SecretType,
  opts: SecretCmdOptions,
  secret: string,
): Promise<number> {
  const provider = opts.provider;
  const id = opts.profileId ?? `${provider}:${type === 'token' ? 'manual' : 'default'}`;
  const idProblem = profileIdProblem(id, provider);
  if (idProblem) throw usageError(`--profile-id: ${idProblem}`);
  const lifetime = opts.expiresIn ?? (type === 'token' ? own(DEFAULT_TOKEN_LIFETIME, provider) : undefined);
  const ttl = lifetime === undefined ? undefined : parseDuration(lifetime);
  if (ttl === null) throw usageError(`--expires-in "${opts.expiresIn}" is not a duration (use e.g. 365d, 12h, 90m)`);
  const agent = resolveAgent(ctx, opts.agent);
  const what = `${type === 'token' ? 'token' : 'API key'} for ${provider}`;
  const wrong = wrongKind(provider, type, secret);
  if (wrong) {
    const flags =
      (opts.profileId ? ` --profile-id ${opts.profileId}` : '') + (opts.agent ? ` --agent ${opts.agent}` : '');
    throw new CliError(
      `saving the ${what}: ${wrong.problem}. Nothing was stored. Store it with \`${wrong.command}${flags}\`.`,
    );
  }
  const problem = secretProblem(provider, type, secret);
  if (problem) {
    throw new CliError(
      `saving the ${what}: ${problem}. Nothing was stored. Copy the whole value and run ` +
        `\`${retryCommand(type, provider)}\` again.`,
    );
  }
  const now = ctx.now();
  const expires = ttl === undefined ? undefined : now + ttl;
  let replaced: boolean;
  try {
    const res = await updateAgentStore(ctx, agent, (s) =>
      putSecretProfile(s, { id, provider, type, secret, ...(expires !== undefined ? { expires } : {}) }),
    );
    replaced = res.ok && res.replaced;
  } catch (err) {
    if (err instanceof StoreUnreadableError || err instanceof LockTimeoutError) throw new CliError(err.message);
    throw err;
  }
  // Config declarations describe the default agent's store (see store/report.ts).
  let declared = false;
  let declareProblem: string | null = null;
  if (agent.isDefault) {
    try {
      declared = await declareProfile(ctx.env, id, provider, type);
    } catch (err) {
      declareProblem = (err as Error).message;
    }
  }
  if (type === 'token' && expires === undefined) {
    // A token without an expiry is `static` forever: nothing will warn before it stops working.
    io().stderr.write(
      `warning: no expiry recorded for ${id}: status shows "expiry unknown" and no alert will warn before it stops ` +
        `working. Record its lifetime: aipro models auth paste-token --provider ${provider} --profile-id ${id} ` +
        `--agent ${agent.id} --expires-in 90d\n`,
    );
  } else if (type === 'token' && opts.expiresIn === undefined && lifetime !== undefined) {
    io().stderr.write(
      `note: recorded the documented ${lifetime} lifetime for this ${provider} token; pass --expires-in to record ` +
        `another\n`,
    );
  }
  const fp = fingerprint(secret);
  if (opts.json) {
    const doc = {
      ok: true,
      agent: agent.id,
      storePath: storeLocation(ctx.config, agent),
      profileId: id,
      provider,
      type,
      fingerprint: fp,
      replaced,
      configUpdated: declared,
      ...(declareProblem ? { configWarning: declareProblem } : {}),
      expiresAt: expires === undefined ? null : isoUtc(expires),
      expiresAtMs: expires ?? null,
      expiryKnown: type === 'api_key' || expires !== undefined,
    };
    io().stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
  } else {
    const exp =
      expires === undefined
        ? type === 'token'
          ? 'expiry unknown'
          : 'no expiry'
        : `expires ${isoUtc(expires)} (${formatRelative(expires, now)})`;
    io().stdout.write(
      `${replaced ? 'Replaced' : 'Saved'} ${id} (${type}, ${fp}, ${exp}) in ${storeLocation(ctx.config, agent)}\n`,
    );
    io().stdout.write(
      `Next: aipro models status --provider ${provider}${agent.isDefault ? '' : ` --agent ${agent.id}`}\n`,
    );
  }
  if (declareProblem)
    io().stderr.write(
      `warning: the credential is saved and works; its optional declaration in config auth.profiles was not ` +
        `recorded: ${declareProblem}\n`,
    );
  return EXIT.OK;
}

/** Validate flags before asking for a secret, so a typo never costs a paste. */
async function preflight(type: SecretType, opts: SecretCmdOptions): Promise<Context> {
  checkProvider(opts.provider, type);
  const id = opts.profileId ?? `${opts.provider}:${type === 'token' ? 'manual' : 'default'}`;
  const idProblem = profileIdProblem(id, opts.provider);
  if (idProblem) throw usageError(`--profile-id: ${idProblem}`);
  if (opts.expiresIn !== undefined && parseDuration(opts.expiresIn) === null) {
    throw usageError(`--expires-in "${opts.expiresIn}" is not a duration (use e.g. 365d, 12h, 90m)`);
  }
  const ctx = loadContext(contextOptions());
  const agent = resolveAgent(ctx, opts.agent);
  // The configured backend: a fleet store without its key or schema stops here, before the paste.
  const read = await withBackend(ctx, (backend) => backend.read(agent));
  if (!read.ok) throw new CliError(storeErrorMessage(read, `adding ${id}`));
  return ctx;
}

function label(provider: string, type: SecretType): string {
  const name = getProvider(provider)?.label ?? provider;
  return `${name} ${type === 'token' ? 'token' : 'API key'}`;
}

/** `paste-token`: any provider, token type, default id `<provider>:manual`. */
export async function pasteToken(opts: SecretCmdOptions): Promise<number> {
  const ctx = await preflight('token', opts);
  return saveSecret(ctx, 'token', opts, await readSecret(label(opts.provider, 'token')));
}

/** `add-key`: API key, default id `<provider>:default`. */
export async function addKey(opts: SecretCmdOptions): Promise<number> {
  if (opts.expiresIn !== undefined)
    throw usageError('--expires-in is for tokens; API keys do not expire by themselves');
  const ctx = await preflight('api_key', opts);
  return saveSecret(ctx, 'api_key', opts, await readSecret(label(opts.provider, 'api_key')));
}

/** First executable named `name` on PATH. */
export function findOnPath(name: string, pathVar: string | undefined): string | null {
  for (const dir of (pathVar ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return null;
}

/** `setup-token`: run `claude setup-token` on this host, then take the token it printed. */
export async function setupToken(opts: SecretCmdOptions): Promise<number> {
  if (opts.provider !== 'anthropic') {
    throw usageError(
      `setup-token is only for --provider anthropic; for ${opts.provider} use \`aipro models auth paste-token ` +
        `--provider ${opts.provider}\``,
    );
  }
  const paste = 'aipro models auth paste-token --provider anthropic';
  if (!isInteractive()) {
    throw new CliError(
      `setup-token needs an interactive terminal (\`claude setup-token\` logs in through a browser). Without a ` +
        `TTY, create the token with \`claude setup-token\` on any machine and pipe it to \`${paste}\`.`,
    );
  }
  const ctx = await preflight('token', opts);
  const claude = findOnPath('claude', ctx.env.PATH);
  if (!claude) {
    throw new CliError(
      `setup-token runs the Claude Code CLI, but \`claude\` is not on PATH. Install Claude Code (npm i -g ` +
        `@anthropic-ai/claude-code) or run \`claude setup-token\` on another machine, then \`${paste}\`.`,
    );
  }
  io().stderr.write(`Running ${claude} setup-token …\n`);
  const res = spawnSync(claude, ['setup-token'], { stdio: 'inherit', env: io().env });
  if (res.error || res.status !== 0) {
    throw new CliError(
      `\`claude setup-token\` failed (${res.error ? res.error.message : `exit ${res.status ?? res.signal}`}); ` +
        `nothing was stored. Retry it, or create the token elsewhere and run \`${paste}\`.`,
    );
  }
  return saveSecret(ctx, 'token', opts, await readSecret('Anthropic setup-token printed above'));
}
