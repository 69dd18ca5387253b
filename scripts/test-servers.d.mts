/** Types of test-servers.mjs, for test/helpers/postgres.ts. */
export interface PgCluster {
  port: number;
  /** Superuser URL of database `db` (password included: tests only). */
  url(db: string): string;
  start(): void;
  /** Fast shutdown (connections are cut, as when the server goes away). */
  stop(): void;
  destroy(): void;
}
export const PG_URL_ENV: string;
export function findPgBin(root?: string): string | null;
export function startCluster(bin: string): Promise<PgCluster>;
export function startTestServers(): Promise<{ env: Record<string, string>; stop(): void }>;
