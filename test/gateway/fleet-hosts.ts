/**
 * Gateway "hosts" of one fleet for tests: each has its own state dir and AIPRO_HOST_ID, its
 * own gateway on port 0 and its own cached view of one PostgreSQL store (opened exactly as
 * `aipro gateway` opens it), in this process.
 */
import { randomBytes } from 'node:crypto';
import type { ExecutionContext } from 'ava';
import { createGateway, type Gateway } from '../../src/gateway/app.js';
import { openGatewayStore, type GatewayBackend } from '../../src/gateway/store.js';
import type { AiproConfig } from '../../src/config/schema.js';
import { createPool } from '../../src/store/backends/postgres/connect.js';
import { migrate } from '../../src/store/backends/postgres/migrations.js';
import type { Store } from '../../src/store/schema.js';
import { configFrom } from '../helpers/config.js';
import { captureLog } from '../helpers/log.js';
import { serve } from '../helpers/net.js';
import { tempHome } from '../helpers/tmp.js';

export interface FleetHost {
  id: string;
  url: string;
  gateway: Gateway;
  store: GatewayBackend;
  config: AiproConfig;
  /** Every log line of this host's gateway, as JSON (see captureLog). */
  logs: string[];
}

export interface FleetOptions {
  /** Config shared by every host (store settings are added). */
  config: Record<string, unknown>;
  /** Extra env (e.g. a fake clock is passed separately). */
  env?: Record<string, string>;
  now?: () => number;
  backoff?: { minMs: number; maxMs: number };
  staleAfter?: string;
}

/** A fresh sealing key, as `openssl rand -base64 32` makes one. */
export const newStoreKey = () => randomBytes(32).toString('base64');

/** Migrate the database at `url` to the current schema. */
export async function migrated(url: string): Promise<void> {
  const pool = createPool(url);
  try {
    await migrate(pool, 'aipro');
  } finally {
    await pool.end();
  }
}

/** Start `n` hosts against the database at `url`; all are stopped and removed at teardown. */
export async function startFleet(
  t: ExecutionContext,
  url: string,
  n: number,
  opts: FleetOptions,
): Promise<{ hosts: FleetHost[]; key: string; seed(store: Store): Promise<void> }> {
  const key = newStoreKey();
  const hosts: FleetHost[] = [];
  const cleanups: (() => Promise<void>)[] = [];
  t.teardown(async () => {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
  });
  for (let i = 1; i <= n; i++) {
    const home = tempHome();
    cleanups.push(async () => home.cleanup());
    const env = {
      ...home.env,
      ...(opts.env ?? {}),
      AIPRO_HOST_ID: `host-${i}`,
      AIPRO_STORE_POSTGRES_URL: url,
      AIPRO_STORE_KEY: key,
    };
    const config = configFrom(
      {
        ...opts.config,
        store: { backend: 'postgres', postgres: { staleAfter: opts.staleAfter ?? '15m' } },
      },
      env,
    );
    const store = await openGatewayStore(config, env, {
      ...(opts.now ? { now: opts.now } : {}),
      ...(opts.backoff ? { backoff: opts.backoff } : {}),
    });
    cleanups.push(() => store.close());
    const log = captureLog();
    const gateway = createGateway({
      config,
      env,
      log,
      store,
      flushMs: 20,
      ...(opts.now ? { now: opts.now } : {}),
    });
    const served = await serve(gateway.handler);
    cleanups.push(async () => {
      await served.close();
      await gateway.close();
    });
    hosts.push({
      id: `host-${i}`,
      url: served.url,
      gateway,
      store,
      config,
      logs: log.lines,
    });
  }
  const first = hosts[0] as FleetHost;
  return {
    hosts,
    key,
    seed: (s) =>
      first.store.update({ id: 'main', storePath: '' }, () => ({ store: structuredClone(s), result: undefined })),
  };
}
