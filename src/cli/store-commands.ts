/**
 * The actions of `aipro store`: migrate the schema, copy stores between backends, rotate
 * the sealing key. Loaded only when a store command runs (it pulls in the pg driver).
 */
import { fileBackend } from '../store/backends/file.js';
import { openPostgresBackend } from '../store/backends/postgres.js';
import {
  createPool,
  describePgError,
  oldStoreKey,
  postgresUrl,
  storeKey,
  StoreUnavailableError,
} from '../store/backends/postgres/connect.js';
import type { StoreKey } from '../store/backends/postgres/seal.js';
import { migrate } from '../store/backends/postgres/migrations.js';
import { rekey } from '../store/backends/postgres/rekey.js';
import type { StoreBackend } from '../store/backends/types.js';
import { mergeForCopy } from '../store/copy.js';
import { storeErrorMessage } from '../store/read.js';
import { resolveAgent, type Context } from '../context.js';
import { CliError, EXIT } from './errors.js';
import { io } from './io.js';

function pool(ctx: Context) {
  try {
    return createPool(postgresUrl(ctx.config, ctx.env));
  } catch (err) {
    throw new CliError((err as Error).message);
  }
}

export async function storeMigrate(ctx: Context, opts: { json?: boolean }): Promise<number> {
  const schema = ctx.config.store.postgres.schema;
  const p = pool(ctx);
  try {
    const { applied, state } = await migrate(p, schema);
    if (opts.json)
      io().stdout.write(
        `${JSON.stringify(
          {
            ok: true,
            schema,
            version: state.current,
            applied: applied.map((m) => ({ version: m.version, name: m.name })),
          },
          null,
          2,
        )}\n`,
      );
    else if (applied.length === 0)
      io().stdout.write(`Schema "${schema}" is current (version ${state.current}); nothing to do.\n`);
    else
      io().stdout.write(
        `${applied.map((m) => `Applied migration ${m.version}: ${m.name}`).join('\n')}\nSchema "${schema}" is now ` +
          `at version ${state.current}.\n`,
      );
    return EXIT.OK;
  } catch (err) {
    throw new CliError(
      `migrating the store schema "${schema}": PostgreSQL: ${describePgError(err)}; nothing was changed (check ` +
        `store.postgres.url and that the role may create schemas)`,
    );
  } finally {
    await p.end();
  }
}

export async function storeRekey(ctx: Context, opts: { json?: boolean }): Promise<number> {
  const schema = ctx.config.store.postgres.schema;
  let next: StoreKey | null;
  let old: StoreKey | null;
  try {
    next = storeKey(
      {
        ...ctx.config,
        store: { ...ctx.config.store, postgres: { ...ctx.config.store.postgres, encryption: 'aes-256-gcm' } },
      },
      ctx.env,
    );
    old = oldStoreKey(ctx.env);
  } catch (err) {
    throw new CliError(`rekey: ${(err as Error).message}`);
  }
  if (!next) throw new CliError('rekey needs the new key in AIPRO_STORE_KEY');
  const p = pool(ctx);
  try {
    const r = await rekey(p, schema, next, [old]);
    if (opts.json) io().stdout.write(`${JSON.stringify({ ok: true, schema, keyId: next.id, ...r }, null, 2)}\n`);
    else
      io().stdout.write(
        `Re-sealed ${r.resealed} secret(s) in ${r.profiles} profile(s) under key ${next.id} (${r.alreadyCurrent} ` +
          `already under it).\nNext: give every host AIPRO_STORE_KEY with the new key, then remove ` +
          `AIPRO_STORE_OLD_KEY.\n`,
      );
    return EXIT.OK;
  } catch (err) {
    throw new CliError(
      `rekey of schema "${schema}" failed: ` +
        `${err instanceof Error && !('code' in err) ? err.message : `PostgreSQL: ${describePgError(err)}`}`,
    );
  } finally {
    await p.end();
  }
}

async function open(ctx: Context, kind: 'file' | 'postgres'): Promise<StoreBackend> {
  if (kind === 'file') return fileBackend(ctx.env, ctx.config.agents.default);
  try {
    return await openPostgresBackend(ctx.config, ctx.env);
  } catch (err) {
    throw new CliError(`cannot open the postgres store: ${(err as Error).message}`);
  }
}

type CopyLine = {
  agent: string;
  result: 'copied' | 'unchanged' | 'no_store' | 'failed';
  copied?: string[];
  keptNewer?: string[];
  detail?: string;
};

export async function storeCopy(
  ctx: Context,
  opts: { from: 'file' | 'postgres'; to: 'file' | 'postgres'; agent?: string; json?: boolean },
): Promise<number> {
  const from = await open(ctx, opts.from);
  const to = await open(ctx, opts.to).catch(async (err) => {
    await from.close();
    throw err;
  });
  const lines: CopyLine[] = [];
  try {
    const ids = opts.agent !== undefined ? [opts.agent] : await from.listAgents();
    for (const id of ids) {
      const agent = resolveAgent(ctx, id);
      const src = await from.read(agent);
      if (!src.ok) {
        lines.push({ agent: id, result: 'failed', detail: storeErrorMessage(src, `reading ${from.describe(agent)}`) });
        continue;
      }
      if (!src.exists) {
        lines.push({ agent: id, result: 'no_store' });
        continue;
      }
      try {
        const d = await to.update(agent, (dst, exists) => {
          const m = mergeForCopy(src.store, dst, exists);
          return { store: m.store, result: m };
        });
        lines.push({ agent: id, result: d.store ? 'copied' : 'unchanged', copied: d.copied, keptNewer: d.keptNewer });
      } catch (err) {
        lines.push({ agent: id, result: 'failed', detail: (err as Error).message });
      }
    }
  } catch (err) {
    if (err instanceof StoreUnavailableError) throw new CliError(err.message);
    throw err;
  } finally {
    await Promise.all([from.close(), to.close()]);
  }
  const failed = lines.some((l) => l.result === 'failed');
  if (opts.json)
    io().stdout.write(`${JSON.stringify({ ok: !failed, from: opts.from, to: opts.to, agents: lines }, null, 2)}\n`);
  else {
    for (const l of lines) {
      const what =
        l.result === 'copied'
          ? `copied ${l.copied?.length ?? 0} profile(s)`
          : l.result === 'unchanged'
            ? 'already up to date'
            : l.result === 'no_store'
              ? 'no store in the source'
              : `FAILED: ${l.detail}`;
      const kept = l.keptNewer?.length ? `; kept the newer ${opts.to} version of ${l.keptNewer.join(', ')}` : '';
      io().stdout.write(`${l.agent}: ${what}${kept}\n`);
    }
    if (lines.length === 0) io().stdout.write(`no agents in the ${opts.from} store\n`);
  }
  return failed ? EXIT.FAIL : EXIT.OK;
}
