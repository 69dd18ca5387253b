/**
 * Shared setup of the monitor's fleet tests: a migrated database holding credentials, and
 * the config every host of the fleet uses (store on PostgreSQL, secrets unsealed since the
 * database is a throwaway one, every monitor schedule pinned so no minute boundary adds a cycle).
 */
import { postgresBackend } from '../../src/store/backends/postgres.js';
import { createPool } from '../../src/store/backends/postgres/connect.js';
import { migrate } from '../../src/store/backends/postgres/migrations.js';
import type { Store } from '../../src/store/schema.js';

/** Never within a test's run: 1 January, midnight. */
export const NEVER = '0 0 1 1 *';

export const agent = { id: 'main', storePath: '' };

/** Apply the migrations (unless `migrated` is false) and set `profiles` in agent main. */
export async function seedFleet(url: string, profiles: Store['profiles'], migrated = true): Promise<void> {
  const pool = createPool(url);
  try {
    if (!migrated) return;
    await migrate(pool, 'aipro');
    await postgresBackend(pool, 'aipro', null).update(agent, (s) => {
      Object.assign(s.profiles, profiles);
      return { store: s, result: undefined };
    });
  } finally {
    await pool.end();
  }
}

/** The config of one fleet host; `expiry` is its expiry schedule (every other monitor: never). */
export function fleetConfig(expiry: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    store: { backend: 'postgres', postgres: { encryption: 'none', fleet: 'test-fleet' } },
    monitor: { schedules: { expiry, store: NEVER, refresh: NEVER, validity: NEVER } },
    ...extra,
  };
}

/** A static token that expired an hour before `now`. */
export function expiredToken(now: number, token: string) {
  return { type: 'token' as const, provider: 'anthropic', token, expires: now - 3_600_000 };
}
