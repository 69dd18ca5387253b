/**
 * `models auth import claude-code|codex | sync | detach`, on the configured store backend.
 * An imported profile follows a CLI's file on ONE host. In the shared postgres store the
 * profile records that host (`importedFrom.host`) and only that host's `sync` takes the
 * CLI's new tokens: another host's file at the same path may hold somebody else's login.
 */
import { homeDir } from '../store/paths.js';
import type { Profile } from '../store/schema.js';
import { isoUtc } from '../util/duration.js';
import {
  externalChanged,
  hostId,
  importPath,
  mergeImport,
  originOf,
  readExternal,
  type ImportOrigin,
  type ImportSource,
  type MergeDecision,
} from '../oauth/import.js';
import { clearRefreshFailure } from '../oauth/resync.js';
import { resolveAgent, type Context } from '../context.js';
import { CliError, EXIT } from './errors.js';
import { checkProfileId } from './models-oauth-actions.js';
import { withBackend } from './store-backend.js';
import { io } from './io.js';

const CLI_NAME: Record<ImportSource, string> = { 'claude-code': 'Claude Code', codex: 'Codex' };

/** `models auth import claude-code|codex`. */
export async function runImport(
  ctx: Context,
  source: ImportSource,
  opts: { from?: string; profileId?: string; agent?: string; json?: boolean },
): Promise<number> {
  const agent = resolveAgent(ctx, opts.agent);
  const deps = { env: ctx.env };
  const path = importPath(source, homeDir(ctx.env), opts.from, deps);
  const read = readExternal(source, path, ctx.now(), deps);
  if (!read.ok) throw new CliError(`importing from ${source}: ${read.detail}`);
  const id = opts.profileId ?? read.cred.defaultProfileId;
  checkProfileId(id, read.cred.provider);
  const host = hostId(ctx.env);
  const { decision, where, fleet } = await withBackend(ctx, async (backend) => {
    const fleet = backend.kind !== 'file';
    const decision = await backend.update(agent, (store) => {
      const merged = mergeImport(store.profiles[id], read.cred);
      const profile = merged.profile as Profile & { importedFrom: ImportOrigin & { host?: string } };
      if (fleet) profile.importedFrom = { ...profile.importedFrom, host };
      store.profiles[id] = profile;
      // Importing again re-attaches a detached profile to its source.
      delete (store.profiles[id] as Record<string, unknown>).detachedFrom;
      if (merged.decision === 'created' || merged.decision === 'updated') clearRefreshFailure(store, id);
      return { store, result: merged.decision };
    });
    return { decision, where: backend.describe(agent), fleet };
  });
  report(opts.json, [{ profileId: id, source, path, decision, expiresAt: read.cred.expires }]);
  if (fleet && !opts.json)
    io().stdout.write(
      `note: stored in ${where}, shared by the fleet. It follows ${CLI_NAME[source]} on this host (${host}) only: ` +
        `run \`aipro models auth sync\` here (e.g. from a timer) to take its new tokens; other hosts use the ` +
        `token until it expires. To let the fleet refresh it instead: aipro models auth detach ${id}\n`,
    );
  return EXIT.OK;
}

type SyncDecision = MergeDecision | 'file_unchanged' | 'error' | 'other_host';

interface SyncLine {
  profileId: string;
  source: string;
  path: string;
  decision: SyncDecision;
  expiresAt?: number | undefined;
  detail?: string;
}

function report(json: boolean | undefined, lines: SyncLine[]): void {
  if (json) {
    io().stdout.write(
      `${JSON.stringify(
        lines.map((l) => ({ ...l, expiresAt: l.expiresAt ? isoUtc(l.expiresAt) : null })),
        null,
        2,
      )}\n`,
    );
    return;
  }
  const words: Record<SyncDecision, string> = {
    created: 'imported',
    updated: 'updated from',
    unchanged: 'already up to date with',
    kept_newer: 'kept (our token is newer than)',
    file_unchanged: 'unchanged since the last import of',
    error: 'could not re-import',
    other_host: 'not synced on this host:',
  };
  if (lines.length === 0)
    io().stdout.write('no imported profiles (import one: aipro models auth import claude-code|codex)\n');
  for (const l of lines)
    io().stdout.write(
      l.decision === 'other_host'
        ? `${l.profileId}: ${words[l.decision]} ${l.detail}\n`
        : `${l.profileId}: ${words[l.decision]} ` +
            `${l.path}${l.expiresAt ? ` (expires ${isoUtc(l.expiresAt)})` : ''}${l.detail ? `: ${l.detail}` : ''}\n`,
    );
}

/**
 * Why this host must not re-import a profile of the shared store, or null. The host that
 * imported it is the one whose CLI file holds that login; a profile copied in from a file
 * store has no recorded host, so nobody syncs it until it is imported again on purpose.
 */
function foreignOrigin(origin: ImportOrigin & { host?: unknown }, host: string, id: string): string | null {
  if (origin.host === host) return null;
  const cli = CLI_NAME[origin.source];
  const how = `aipro models auth import ${origin.source} --profile-id ${id}`;
  return typeof origin.host === 'string'
    ? `it follows ${cli}'s ${origin.path} on host ${origin.host}; run \`aipro models auth sync\` there ` +
        `(or make this host's ${cli} login the source: ${how})`
    : `it follows ${cli}'s ${origin.path} on a host the fleet store does not know (copied in from a file ` +
        `store); import it again on the host whose ${cli} holds the login: ${how}`;
}

/** `models auth sync`: re-import only what changed. */
export async function runSync(ctx: Context, opts: { agent?: string; json?: boolean }): Promise<number> {
  const agent = resolveAgent(ctx, opts.agent);
  const host = hostId(ctx.env);
  const lines = await withBackend(ctx, (backend) =>
    backend.update(agent, (store) => {
      const out: SyncLine[] = [];
      let changed = false;
      for (const [id, p] of Object.entries(store.profiles)) {
        const origin = originOf(p);
        if (!origin) continue;
        const line = { profileId: id, source: origin.source, path: origin.path };
        const foreign = backend.kind === 'file' ? null : foreignOrigin(origin, host, id);
        if (foreign) {
          out.push({ ...line, decision: 'other_host', detail: foreign });
          continue;
        }
        if (!externalChanged(origin, origin.path, { env: ctx.env })) {
          out.push({ ...line, decision: 'file_unchanged' });
          continue;
        }
        const read = readExternal(origin.source, origin.path, ctx.now(), { env: ctx.env });
        if (!read.ok) {
          out.push({ ...line, decision: 'error', detail: read.detail });
          continue;
        }
        const merged = mergeImport(p, read.cred);
        store.profiles[id] = merged.profile;
        if (merged.decision === 'updated') clearRefreshFailure(store, id);
        changed = true;
        out.push({ ...line, decision: merged.decision, expiresAt: read.cred.expires });
      }
      return { store: changed ? store : null, result: out };
    }),
  );
  report(opts.json, lines);
  return lines.some((l) => l.decision === 'error') ? EXIT.FAIL : EXIT.OK;
}

/**
 * `models auth detach ID`: aipro becomes the refresher of an imported profile (in the fleet
 * store: every host, under the fleet's refresh lock). The CLI it came from keeps the old
 * refresh token, which the provider refuses once aipro rotated it, so the CLI needs its own
 * login afterwards.
 */
export async function runDetach(ctx: Context, id: string, opts: { agent?: string; json?: boolean }): Promise<number> {
  const agent = resolveAgent(ctx, opts.agent);
  const origin = await withBackend(ctx, (backend) =>
    backend.update(agent, (store) => {
      const p = Object.hasOwn(store.profiles, id) ? store.profiles[id] : undefined;
      if (!p)
        throw new CliError(
          `profile ${id} is not in ${backend.describe(agent)} (see \`aipro models auth ` +
            `list${opts.agent ? ` --agent ${agent.id}` : ''}\`)`,
        );
      const o = originOf(p);
      if (!o)
        throw new CliError(
          `profile ${id} is not imported from Claude Code or Codex; aipro already refreshes it (nothing to detach)`,
        );
      const rest = { ...p } as Record<string, unknown>;
      delete rest.importedFrom;
      store.profiles[id] = { ...(rest as Profile), detachedFrom: { ...o, detachedAt: ctx.now() } };
      return { store, result: o };
    }),
  );
  const cli = CLI_NAME[origin.source];
  if (opts.json)
    io().stdout.write(
      `${JSON.stringify({ profileId: id, agent: agent.id, detachedFrom: origin.path, refresher: 'aipro' }, null, 2)}\n`,
    );
  else {
    io().stdout.write(`${id}: detached from ${origin.path}; aipro refreshes it from now on\n`);
    io().stdout.write(
      `note: once aipro refreshes it, ${cli} is logged out (its refresh token is rotated away); log in to ${cli} ` +
        `again, or re-attach: aipro models auth import ${origin.source} --profile-id ${id}\n`,
    );
  }
  return EXIT.OK;
}
