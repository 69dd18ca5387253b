/** Value formats for the config schema. Each throws with a message naming what is wrong. */
import { parseDuration } from '../util/duration.js';

export function assertSecretRef(val: unknown): void {
  if (val === null || val === undefined || typeof val === 'string') return;
  if (typeof val === 'object' && !Array.isArray(val)) {
    const r = val as Record<string, unknown>;
    if ((r.source === 'env' || r.source === 'file') && typeof r.id === 'string' && r.id.length > 0) return;
  }
  throw new Error('must be a string or {"source": "env"|"file", "id": "…"}');
}

/** A heartbeat URL: empty/null (off), an http(s) URL literal, or a `{source, id}` reference to one. */
export function assertHeartbeatUrl(val: unknown): void {
  if (val === '' || val === null || val === undefined) return;
  assertSecretRef(val);
  if (typeof val !== 'string') return;
  let u: URL;
  try {
    u = new URL(val);
  } catch {
    throw new Error('must be an http(s) URL (e.g. https://hc-ping.com/<uuid>) or {"source": "env"|"file", "id": "…"}');
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('must be an http(s) URL');
}

/** 100 ms to 5 min: a ping that may hang longer would hold up a timer run. */
export function assertHeartbeatTimeout(val: unknown): void {
  if (typeof val !== 'number' || !Number.isInteger(val) || val < 100 || val > 300_000)
    throw new Error('must be an integer from 100 to 300000 (milliseconds)');
}

/** A finite number ≥ 0 (convict's built-in Number format lets NaN through, e.g. from "abc"). */
export function assertNonNegativeNumber(val: unknown): void {
  if (typeof val !== 'number' || !Number.isFinite(val) || val < 0) throw new Error('must be a number ≥ 0');
}

const CRON_FIELD = /^(\*|\?|[0-9A-Za-z,\-*/#LW]+)$/;

/** 5 fields (or 6 with seconds); the scheduler re-validates with node-cron at start. */
export function assertCron(val: unknown): void {
  if (typeof val !== 'string') throw new Error('must be a cron expression string like "*/30 * * * *"');
  const fields = val.trim().split(/\s+/);
  if (fields.length < 5 || fields.length > 6 || !fields.every((f) => CRON_FIELD.test(f))) {
    throw new Error(`"${val}" is not a cron expression (5 fields: minute hour day-of-month month day-of-week)`);
  }
}

/** `host:port`, `[v6]:port` or `:port`; port 0..65535. */
export function parseListen(val: string): { host: string; port: number } | null {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([A-Za-z0-9.-]*)):(\d{1,5})$/.exec(val.trim());
  if (!m) return null;
  const port = Number(m[3]);
  if (port > 65535) return null;
  return { host: m[1] ?? (m[2] || '0.0.0.0'), port };
}

export function assertListen(val: unknown): void {
  if (typeof val !== 'string' || !parseListen(val))
    throw new Error(`"${String(val)}" is not a listen address (use host:port, e.g. 127.0.0.1:18790)`);
}

export function assertDuration(val: unknown): void {
  if (typeof val !== 'string' || parseDuration(val) === null)
    throw new Error(`"${String(val)}" is not a duration (use e.g. 30m, 24h, 7d)`);
}

export function assertDurationList(val: unknown): void {
  if (!Array.isArray(val)) throw new Error('must be a list of durations like ["14d", "7d", "1d"]');
  val.forEach(assertDuration);
}

export function assertStringMap(val: unknown): void {
  if (!val || typeof val !== 'object' || Array.isArray(val)) throw new Error('must be an object');
  for (const [k, v] of Object.entries(val)) if (typeof v !== 'string') throw new Error(`${k}: must be a string`);
}

export function assertOrderMap(val: unknown): void {
  if (!val || typeof val !== 'object' || Array.isArray(val))
    throw new Error('must be an object of provider -> [profile ids]');
  for (const [k, v] of Object.entries(val)) {
    if (!Array.isArray(v) || !v.every((x) => typeof x === 'string'))
      throw new Error(`${k}: must be a list of profile ids`);
  }
}

export function assertObjectMap(val: unknown): void {
  if (!val || typeof val !== 'object' || Array.isArray(val)) throw new Error('must be an object');
  for (const [k, v] of Object.entries(val)) {
    if (!v || typeof v !== 'object' || Array.isArray(v)) throw new Error(`${k}: must be an object`);
  }
}

/** A plain lower-case SQL identifier (it is put into statements, so nothing that needs quoting). */
export function assertSqlIdentifier(val: unknown): void {
  if (typeof val !== 'string' || !/^[a-z_][a-z0-9_]{0,62}$/.test(val))
    throw new Error('must be a lower-case SQL identifier (letters, digits, _), e.g. aipro');
}
