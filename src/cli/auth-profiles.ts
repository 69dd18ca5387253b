/**
 * `models auth list | remove | order get|set|clear`: look at and rearrange the profiles
 * of one agent's store. Output shows fingerprints and references, never a secret.
 */
import { LockTimeoutError } from '../store/lock.js';
import { clearOrder, removeProfile, setOrder } from '../store/mutations.js';
import { storeLocation } from '../store/backends/index.js';
import type { StoreChange } from '../store/backends/types.js';
import { storeErrorMessage } from '../store/read.js';
import { malformedProfiles, type Profile, type Store } from '../store/schema.js';
import { fingerprint, profileSecret } from '../store/secrets.js';
import { expiryProblem } from '../store/status.js';
import { StoreUnreadableError } from '../store/write.js';
import { formatRelative, isoUtc } from '../util/duration.js';
import { undeclareProfile } from '../config/file.js';
import { loadContext, resolveAgent, type Agent, type Context } from '../context.js';
import { CliError, EXIT } from './errors.js';
import { updateAgentStore, withBackend } from './store-backend.js';
import { renderTable, terminalWidth, wrapLine, type Fit } from './table.js';
import { compareText } from '../util/collate.js';
import { own } from '../util/own.js';
import { contextOptions, io } from './io.js';

/** Run a store update, turning the expected failures (bad store, busy lock) into CliErrors. */
async function mutate<R>(ctx: Context, agent: Agent, change: StoreChange<R>): Promise<R> {
  try {
    return await updateAgentStore(ctx, agent, change);
  } catch (err) {
    if (err instanceof StoreUnreadableError || err instanceof LockTimeoutError) throw new CliError(err.message);
    throw err;
  }
}

async function open(
  opts: { agent?: string },
  doing: string,
): Promise<{ ctx: Context; agent: Agent; store: Store; exists: boolean }> {
  const ctx = loadContext(contextOptions());
  const agent = resolveAgent(ctx, opts.agent);
  const read = await withBackend(ctx, (backend) => backend.read(agent));
  if (!read.ok) throw new CliError(storeErrorMessage(read, doing));
  return { ctx, agent, store: read.store, exists: read.exists };
}

/** What `list` shows about one profile's secret: a fingerprint or where the reference points. */
function secretLabel(
  profile: Profile,
  env: Context['env'],
): { fingerprint: string | null; ref: string | null; problem: string | null } {
  const res = profileSecret(profile, env);
  const ref = res.ref ? `${res.ref.source}:${res.ref.id}` : null;
  return res.ok
    ? { fingerprint: fingerprint(res.value), ref, problem: null }
    : { fingerprint: null, ref, problem: res.detail };
}

export async function list(opts: { agent?: string; json?: boolean; wide?: boolean }): Promise<number> {
  const { ctx, agent, store, exists } = await open(opts, 'listing auth profiles');
  const now = ctx.now();
  const width = terminalWidth(io().stdout, ctx.env, opts.wide);
  const good = Object.entries(store.profiles).map(([id, p]) => {
    const s = secretLabel(p, ctx.env);
    // Only an expiry a Date can hold is printed as one (status judges the rest `invalid`).
    const expires = expiryProblem(p.expires) === null ? (p.expires as number) : null;
    return {
      id,
      provider: p.provider,
      type: p.type as string,
      fingerprint: s.fingerprint,
      secretRef: s.ref,
      secretProblem: s.problem,
      expiresAt: expires === null ? null : isoUtc(expires),
      expiresAtMs: expires,
      email: p.email ?? null,
    };
  });
  // Malformed profiles are listed too, with why they cannot be used: hiding them would hide the problem.
  const bad = malformedProfiles(store).map((m) => ({
    id: m.id,
    provider: m.provider,
    type: m.type ?? 'unknown',
    fingerprint: null,
    secretRef: null,
    secretProblem: m.reason,
    expiresAt: null,
    expiresAtMs: null,
    email: null,
  }));
  const profiles = [...good, ...bad].sort((a, b) => compareText(a.id, b.id));
  if (opts.json) {
    const doc = {
      agent: agent.id,
      storePath: storeLocation(ctx.config, agent),
      storeExists: exists,
      profiles,
      order: store.order ?? {},
      lastGood: store.lastGood ?? {},
    };
    io().stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
    return EXIT.OK;
  }
  // As in `models status`: '-' is "nothing to count down"; a token (or OAuth without a refresh
  // token) stored without an expiry is 'unknown', since no alert can warn before it stops.
  const noExpiry = (id: string): string => {
    const p = Object.hasOwn(store.profiles, id) ? store.profiles[id] : undefined;
    return p && p.expires === undefined && (p.type === 'token' || (p.type === 'oauth' && !p.refresh)) ? 'unknown' : '-';
  };
  const out = [`Agent ${agent.id}  (${storeLocation(ctx.config, agent)}${exists ? '' : ', no store yet'})`];
  if (profiles.length === 0) out.push('  no profiles (add one: aipro models auth add-key --provider anthropic)');
  else {
    const rows = profiles.map((p) => [
      p.id,
      p.provider,
      p.type,
      p.fingerprint ?? `(${p.secretProblem})`,
      p.secretRef ? `ref ${p.secretRef}` : 'inline',
      p.expiresAtMs === null ? noExpiry(p.id) : `${p.expiresAt} (${formatRelative(p.expiresAtMs, now)})`,
    ]);
    // On a terminal, narrower in this order: EXPIRES relative only, SECRET, PROVIDER (the id
    // starts with it), TYPE, then FINGERPRINT go; pipes get every column.
    const fit: Fit | undefined =
      width === undefined
        ? undefined
        : {
            width,
            steps: [
              {
                abbreviate: 5,
                cells: profiles.map((p) =>
                  p.expiresAtMs === null ? noExpiry(p.id) : formatRelative(p.expiresAtMs, now),
                ),
              },
              { drop: 4 },
              { drop: 1 },
              { drop: 2 },
              { drop: 3 },
            ],
          };
    out.push(
      renderTable(['PROFILE', 'PROVIDER', 'TYPE', 'FINGERPRINT', 'SECRET', 'EXPIRES'], rows, '  ', undefined, fit),
    );
  }
  for (const [p, ids] of Object.entries(store.order ?? {})) out.push(`  order ${p}: ${ids.join(', ')}`);
  for (const [p, id] of Object.entries(store.lastGood ?? {})) out.push(`  lastGood ${p}: ${id}`);
  const lines = width === undefined ? out : out.flatMap((l) => l.split('\n')).flatMap((l) => wrapLine(l, width));
  io().stdout.write(`${lines.join('\n')}\n`);
  return EXIT.OK;
}

export async function remove(id: string, opts: { agent?: string; json?: boolean }): Promise<number> {
  const { ctx, agent } = await open(opts, `removing ${id}`);
  const declared = agent.isDefault && Object.hasOwn(ctx.config.auth.profiles, id);
  // Declaration first, store second: a crash between them leaves an undeclared profile that
  // still works, never a declaration of a profile that is gone (which status reports missing).
  const configUpdated = agent.isDefault ? await undeclareProfile(ctx.env, id) : false;
  const res = await mutate(ctx, agent, (s) => removeProfile(s, id));
  if (!res.ok && !declared) {
    throw new CliError(
      `removing ${id}: ${res.detail} (${storeLocation(ctx.config, agent)}). Run \`aipro models auth ` +
        `list${agent.isDefault ? '' : ` --agent ${agent.id}`}\` to see the profile ids.`,
    );
  }
  if (opts.json)
    io().stdout.write(
      `${JSON.stringify(
        { ok: true, agent: agent.id, profileId: id, removedFromStore: res.ok, configUpdated },
        null,
        2,
      )}\n`,
    );
  else if (res.ok)
    io().stdout.write(
      `Removed ${id} from ${storeLocation(ctx.config, agent)}` +
        `${configUpdated ? ' and from config auth.profiles' : ''}\n`,
    );
  else
    io().stdout.write(
      `${id} was not in ${storeLocation(ctx.config, agent)}; removed its declaration from config auth.profiles\n`,
    );
  return EXIT.OK;
}

export interface OrderOptions {
  provider: string;
  agent?: string;
  json?: boolean;
}

export async function orderGet(opts: OrderOptions): Promise<number> {
  const { ctx, agent, store } = await open(opts, 'reading the auth order');
  const stored = store.order?.[opts.provider] ?? null;
  const configOrder = own(ctx.config.auth.order, opts.provider) ?? null;
  if (opts.json) {
    io().stdout.write(
      `${JSON.stringify({ agent: agent.id, provider: opts.provider, order: stored, configOrder }, null, 2)}\n`,
    );
  } else if (stored) {
    io().stdout.write(`${stored.join('\n')}\n`);
  } else {
    const fallback = configOrder
      ? `config auth.order.${opts.provider} applies: ${configOrder.join(', ')}`
      : 'every profile of the provider is tried (oauth, then token, then api_key; least recently used first)';
    const line = `No stored order for ${opts.provider} in agent ${agent.id}; ${fallback}`;
    const width = terminalWidth(io().stdout, ctx.env);
    io().stdout.write(`${(width === undefined ? [line] : wrapLine(line, width, '  ')).join('\n')}\n`);
  }
  return EXIT.OK;
}

export async function orderSet(ids: string[], opts: OrderOptions): Promise<number> {
  const { ctx, agent } = await open(opts, `setting the ${opts.provider} order`);
  const res = await mutate(ctx, agent, (s) => setOrder(s, opts.provider, ids));
  if (!res.ok) {
    throw new CliError(
      `setting the ${opts.provider} order: ${res.detail}; nothing changed. Run \`aipro models auth ` +
        `list${agent.isDefault ? '' : ` --agent ${agent.id}`}\` to see the profile ids.`,
    );
  }
  if (opts.json)
    io().stdout.write(
      `${JSON.stringify({ ok: true, agent: agent.id, provider: opts.provider, order: res.order }, null, 2)}\n`,
    );
  else io().stdout.write(`Order for ${opts.provider} (agent ${agent.id}): ${res.order.join(', ')}\n`);
  return EXIT.OK;
}

export async function orderClear(opts: OrderOptions): Promise<number> {
  const { ctx, agent } = await open(opts, `clearing the ${opts.provider} order`);
  const res = await mutate(ctx, agent, (s) => clearOrder(s, opts.provider));
  const cleared = res.ok && res.cleared;
  if (opts.json)
    io().stdout.write(`${JSON.stringify({ ok: true, agent: agent.id, provider: opts.provider, cleared }, null, 2)}\n`);
  else
    io().stdout.write(
      cleared
        ? `Cleared the stored ${opts.provider} order of agent ${agent.id}\n`
        : `No stored ${opts.provider} order in agent ${agent.id}; nothing changed\n`,
    );
  return EXIT.OK;
}
