/**
 * `models auth import openclaw [--from DIR]`: copy OpenClaw's per-agent stores
 * (`DIR/agents/<id>/agent/auth-profiles.json`, the same v1 schema) into aipro's state
 * dir byte for byte, or into the fleet store (postgres backend) as exactly. Each source is
 * parse-validated first; an existing aipro store that differs is kept unless `--force` (a
 * file is then saved as `.bak`; the fleet store is merged, keeping its newer tokens); a
 * store that does not parse is never overwritten.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { LockTimeoutError, withLock } from '../store/lock.js';
import { AGENT_ID_RE, homeDir } from '../store/paths.js';
import { parseStoreBytes, readStore } from '../store/read.js';
import { StoreUnreadableError, writeFileDurable } from '../store/write.js';
import type { StoreBackend } from '../store/backends/types.js';
import { mergeForCopy } from '../store/copy.js';
import { cloneStore } from '../store/schema.js';
import { loadContext, resolveAgent, type Agent } from '../context.js';
import { withBackend } from './store-backend.js';
import { CliError, EXIT } from './errors.js';
import { contextOptions, io } from './io.js';

export type ImportResult =
  | 'imported'
  | 'identical'
  | 'replaced'
  | 'merged'
  | 'conflict'
  | 'invalid'
  | 'target_unreadable'
  | 'error';

export interface AgentImport {
  agent: string;
  source: string;
  target: string;
  result: ImportResult;
  profiles: number;
  detail: string;
}

/** Agent ids that have a store under `DIR/agents`. */
function sourceAgents(from: string): string[] {
  try {
    return readdirSync(join(from, 'agents'), { withFileTypes: true })
      .filter((e) => e.isDirectory() && AGENT_ID_RE.test(e.name))
      .map((e) => e.name)
      .filter((id) => existsSync(join(from, 'agents', id, 'agent', 'auth-profiles.json')))
      .sort();
  } catch {
    return [];
  }
}

async function importOne(id: string, source: string, target: string, force: boolean): Promise<AgentImport> {
  const base = { agent: id, source, target };
  const bytes = readFileSync(source);
  const parsed = parseStoreBytes(bytes, source);
  if (!parsed.ok) return { ...base, result: 'invalid', profiles: 0, detail: `not imported: ${parsed.detail}` };
  const profiles = Object.keys(parsed.store.profiles).length;
  // Strict UTF-8 was checked above, so this string writes back to the very same bytes.
  const text = bytes.toString('utf8');
  return withLock(target, async () => {
    const existing = readStore(target);
    if (!existing.ok) {
      return {
        ...base,
        result: 'target_unreadable' as const,
        profiles,
        detail:
          `not imported: the aipro store there does not parse (${existing.detail}); run \`aipro doctor\`, or move it ` +
          `away and import again`,
      };
    }
    if (existing.exists) {
      const current = readFileSync(target, 'utf8');
      if (current === text)
        return { ...base, result: 'identical' as const, profiles, detail: 'already imported (identical)' };
      if (!force)
        return {
          ...base,
          result: 'conflict' as const,
          profiles,
          detail:
            'not imported: an aipro store with different content exists; re-run with --force to replace it (the ' +
            'old one is kept as .bak)',
        };
      await writeFileDurable(`${target}.bak`, current);
      await writeFileDurable(target, text);
      return {
        ...base,
        result: 'replaced' as const,
        profiles,
        detail: `replaced (previous store kept at ${target}.bak)`,
      };
    }
    await writeFileDurable(target, text);
    return { ...base, result: 'imported' as const, profiles, detail: 'imported' };
  });
}

/**
 * One agent into the fleet store, in one locked transaction. Into an empty store the source
 * goes exactly (a later copy out gives the same bytes); `--force` merges into an existing
 * one as `aipro store copy` does, so a token another host refreshed meanwhile is never lost.
 */
async function importOneFleet(
  backend: StoreBackend,
  agent: Agent,
  source: string,
  force: boolean,
): Promise<AgentImport> {
  const target = backend.describe(agent);
  const base = { agent: agent.id, source, target };
  const parsed = parseStoreBytes(readFileSync(source), source);
  if (!parsed.ok) return { ...base, result: 'invalid', profiles: 0, detail: `not imported: ${parsed.detail}` };
  const profiles = Object.keys(parsed.store.profiles).length;
  const result = await backend.update(agent, (dst, exists): { store: null | typeof dst; result: ImportResult } => {
    if (!exists) return { store: cloneStore(parsed.store), result: 'imported' };
    const m = mergeForCopy(parsed.store, dst, true);
    if (m.store === null) return { store: null, result: 'identical' };
    return force ? { store: m.store, result: 'merged' } : { store: null, result: 'conflict' };
  });
  const detail: Record<string, string> = {
    imported: 'imported',
    identical: 'already imported (the fleet store holds all of it)',
    merged: 'merged (profiles and newer tokens only the fleet store had are kept)',
    conflict:
      'not imported: the fleet store of this agent holds different content; re-run with --force to merge ' +
      '(its newer tokens and its own profiles are kept)',
  };
  return { ...base, result, profiles, detail: detail[result] ?? result };
}

export async function importOpenclaw(opts: { from?: string; force?: boolean; json?: boolean }): Promise<number> {
  const ctx = loadContext(contextOptions());
  const raw = opts.from ?? '~/.openclaw';
  const from = resolve(raw === '~' || raw.startsWith('~/') ? join(homeDir(ctx.env), raw.slice(1)) : raw);
  const ids = sourceAgents(from);
  if (ids.length === 0) {
    throw new CliError(
      `importing from OpenClaw: no stores found at ${from}/agents/*/agent/auth-profiles.json. Point --from at the ` +
        `OpenClaw state dir (default ~/.openclaw).`,
    );
  }
  const results = await withBackend(ctx, async (backend) => {
    const out: AgentImport[] = [];
    for (const id of ids) {
      const source = join(from, 'agents', id, 'agent', 'auth-profiles.json');
      const agent = resolveAgent(ctx, id);
      try {
        out.push(
          backend.kind === 'file'
            ? await importOne(id, source, agent.storePath, Boolean(opts.force))
            : await importOneFleet(backend, agent, source, Boolean(opts.force)),
        );
      } catch (err) {
        const expected =
          err instanceof LockTimeoutError ||
          err instanceof StoreUnreadableError ||
          (err as NodeJS.ErrnoException).code ||
          (err as Error).name === 'StoreUnavailableError';
        if (!expected) throw err;
        out.push({
          agent: id,
          source,
          target: backend.describe(agent),
          result: 'error',
          profiles: 0,
          detail: `not imported: ${(err as Error).message}`,
        });
      }
    }
    return out;
  });
  const failed = results.some((r) => !['imported', 'identical', 'replaced', 'merged'].includes(r.result));
  if (opts.json) io().stdout.write(`${JSON.stringify({ ok: !failed, from, agents: results }, null, 2)}\n`);
  else {
    for (const r of results)
      io().stdout.write(`agent ${r.agent}: ${r.detail} (${r.profiles} profiles) ${r.source} -> ${r.target}\n`);
    io().stdout.write(
      failed ? 'Some agents were not imported (see above); nothing else was changed.\n' : 'Next: aipro models status\n',
    );
  }
  return failed ? EXIT.FAIL : EXIT.OK;
}
