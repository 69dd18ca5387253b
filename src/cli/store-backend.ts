/**
 * Commands reach the configured store backend (file or postgres) through here, so a
 * backend that cannot start becomes one clear CLI error and connections are always closed.
 */
import { openStoreBackend, type StoreBackend, type StoreChange } from '../store/backends/index.js';
import type { StoreRead } from '../store/read.js';
import { resolveAgent, type Agent, type Context } from '../context.js';
import { CliError } from './errors.js';

/** Run `fn` with the configured backend open; it is closed afterwards whatever happens. */
export async function withBackend<T>(ctx: Context, fn: (backend: StoreBackend) => Promise<T>): Promise<T> {
  let backend: StoreBackend;
  try {
    backend = await openStoreBackend(ctx.config, ctx.env);
  } catch (err) {
    throw new CliError(`cannot open the ${ctx.config.store.backend} auth store: ${(err as Error).message}`);
  }
  try {
    return await fn(backend);
  } catch (err) {
    // The fleet store went away mid-command (the class lives with the pg driver, not loaded for files).
    if ((err as Error)?.name === 'StoreUnavailableError') throw new CliError((err as Error).message);
    throw err;
  } finally {
    await backend.close();
  }
}

/** The agents to show (`--agent`, or every agent the backend holds) and their stores. */
export async function readAgentStores(
  ctx: Context,
  agentFlag?: string,
): Promise<{ agents: Agent[]; reads: StoreRead[] }> {
  return withBackend(ctx, async (backend) => {
    const ids =
      agentFlag !== undefined
        ? [agentFlag]
        : [...new Set([ctx.config.agents.default, ...(await backend.listAgents())])].sort();
    // Reports show where each store lives: its file, or `postgres:<schema>/<agent>`.
    const agents = ids
      .map((id) => resolveAgent(ctx, id))
      .map((a) => (backend.kind === 'file' ? a : { ...a, storePath: backend.describe(a) }));
    return { agents, reads: await Promise.all(agents.map((a) => backend.read(a))) };
  });
}

/** Apply a pure change to one agent's store through the configured backend. */
export async function updateAgentStore<R>(ctx: Context, agent: Agent, change: StoreChange<R>): Promise<R> {
  return withBackend(ctx, (backend) => backend.update(agent, change));
}
