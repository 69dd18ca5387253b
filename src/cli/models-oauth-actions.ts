/**
 * The work behind `models auth login` (loaded only when it runs; import, sync and detach
 * live in models-oauth-import.ts). Tokens go to the store; the terminal only ever sees fingerprints.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { PROFILE_ID_RE, type Profile } from '../store/schema.js';
import { fingerprint } from '../store/secrets.js';
import { storeErrorMessage } from '../store/read.js';
import { withBackend } from './store-backend.js';
import { isoUtc } from '../util/duration.js';
import { login, type LoginIo, type LoginResult } from '../oauth/login.js';
import { clearRefreshFailure } from '../oauth/resync.js';
import { oauthProviderIds, resolveOAuthSpec } from '../oauth/spec.js';
import { resolveAgent, type Context } from '../context.js';
import { CliError, EXIT, usageError } from './errors.js';
import { io } from './io.js';

/** Lines from stdin, one at a time (a pasted redirect URL or code#state). */
function stdinLines(): { readLine(): Promise<string | null>; close(): void } {
  const rl = createInterface({ input: io().stdin, terminal: false });
  const queue: string[] = [];
  const waiting: ((l: string | null) => void)[] = [];
  let ended = false;
  rl.on('line', (l) => (waiting.length ? (waiting.shift() as (l: string | null) => void)(l) : queue.push(l)));
  rl.on('close', () => {
    ended = true;
    for (const w of waiting.splice(0)) w(null);
  });
  return {
    readLine: () =>
      queue.length
        ? Promise.resolve(queue.shift() as string)
        : ended
          ? Promise.resolve(null)
          : new Promise((r) => waiting.push(r)),
    close: () => rl.close(),
  };
}

/**
 * A pasted line that is only the code, without the state that proves it belongs to this login:
 * what to paste instead (never echoing the code), or null when the line is usable.
 */
export function pasteProblem(line: string, flow: 'loopback' | 'paste'): string | null {
  const s = line.replace(/\s+/g, '');
  if (s === '' || /^https?:\/\//i.test(s) || s.includes('#')) return null;
  return flow === 'paste'
    ? 'That is only the code, without its #state part. Paste everything the page shows (code#state, one line), then ' +
        'Enter:'
    : 'That is only the code, without its state. Paste the whole URL the browser ended on ' +
        '(…/auth/callback?code=…&state=…), then Enter:';
}

/** Best effort: only for a person at a terminal with a desktop. */
function openBrowser(url: string): void {
  if (!io().stdout.isTTY) return;
  const cmd = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
  try {
    spawn(cmd, [url], { stdio: 'ignore', detached: true })
      .on('error', () => undefined)
      .unref();
  } catch {
    // No browser here: the URL is printed anyway.
  }
}

export function checkProfileId(id: string, provider: string): void {
  if (!PROFILE_ID_RE.test(id) || !id.startsWith(`${provider}:`))
    throw usageError(`profile id "${id}" must look like ${provider}:<name> (e.g. ${provider}:work)`);
}

/** `models auth login`. */
export async function runLogin(
  ctx: Context,
  opts: { provider?: string; browser?: boolean; profileId?: string; agent?: string; json?: boolean },
): Promise<number> {
  const provider = opts.provider ?? '';
  const spec = resolveOAuthSpec(provider, ctx.config);
  if (!spec)
    throw usageError(
      `provider "${provider}" has no OAuth login; use one of: ${oauthProviderIds().join(', ')} (API keys: aipro ` +
        `models auth add-key --provider ${provider || 'P'})`,
    );
  if (opts.profileId) checkProfileId(opts.profileId, provider);
  const agent = resolveAgent(ctx, opts.agent);
  // A store that cannot take the result (unreadable, fleet store without its key) stops before the login, not after.
  const pre = await withBackend(ctx, (backend) => backend.read(agent));
  if (!pre.ok) throw new CliError(storeErrorMessage(pre, `logging in to ${provider}`));
  const input = stdinLines();
  // The printed authorization URL tells whether this flow sends a state; when it does, a
  // bare code (its `#state` part lost) is refused here with what to paste instead.
  let expectsState = false;
  const say = (l: string) => {
    if (/^\s*https?:\/\/\S*[?&]state=/.test(l)) expectsState = true;
    io().stderr.write(`${l}\n`);
  };
  const readLine = async (): Promise<string | null> => {
    for (;;) {
      const line = await input.readLine();
      const problem = line === null || !expectsState ? null : pasteProblem(line, spec.flow);
      if (!problem) return line;
      say(problem);
    }
  };
  const loginIo: LoginIo = { say, readLine, openBrowser };
  let res: LoginResult;
  try {
    res = await login({ spec, noBrowser: opts.browser === false, io: loginIo, now: ctx.now });
  } finally {
    input.close();
  }
  if (!res.ok)
    throw new CliError(
      `logging in to ${provider} failed: ${res.detail}. Try again: aipro models auth login --provider ` +
        `${provider}${opts.browser === false ? ' --no-browser' : ''}`,
    );
  const t = res.tokens;
  const id = opts.profileId ?? `${provider}:${t.email ?? 'default'}`;
  checkProfileId(id, provider);
  const profile: Profile = {
    type: 'oauth',
    provider,
    access: t.access,
    ...(t.refresh ? { refresh: t.refresh } : {}),
    ...(t.expires ? { expires: t.expires } : {}),
    ...(t.refreshExpires ? { refreshExpires: t.refreshExpires } : {}),
    ...(t.email ? { email: t.email } : {}),
    ...(t.accountId ? { accountId: t.accountId } : {}),
  };
  // Through the configured backend: on a fleet the login lands in the shared store.
  const where = await withBackend(ctx, async (backend) => {
    await backend.update(agent, (store) => {
      // A fresh login replaces the old tokens; a stale refresh failure no longer applies.
      store.profiles[id] = { ...(store.profiles[id] ?? {}), ...profile };
      delete (store.profiles[id] as Record<string, unknown>).importedFrom;
      delete (store.profiles[id] as Record<string, unknown>).detachedFrom;
      clearRefreshFailure(store, id);
      return { store, result: undefined };
    });
    return backend.describe(agent);
  });
  const summary = {
    profileId: id,
    provider,
    agent: agent.id,
    email: t.email ?? null,
    accountId: t.accountId ?? null,
    expiresAt: t.expires ? isoUtc(t.expires) : null,
    refreshToken: Boolean(t.refresh),
    fingerprint: fingerprint(t.access),
  };
  if (opts.json) io().stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  else {
    io().stdout.write(
      `Logged in to ${provider}${t.email ? ` as ${t.email}` : ''}; stored ${id} (${summary.fingerprint}) in ${where}\n`,
    );
    if (!t.refresh) io().stdout.write('note: the provider issued no refresh token; log in again when it expires\n');
    io().stdout.write(`Check it: aipro models status --probe --provider ${provider}\n`);
  }
  return EXIT.OK;
}
