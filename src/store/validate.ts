/**
 * Checking store data without loading zod on the common path. Each check below mirrors one zod
 * schema of schema-zod.ts and returns exactly what that schema's parse would (same keys, same
 * key order, unknown keys passed through, `__proto__` dropped) — or NO when it is not sure,
 * and then zod decides and words the error. A check never accepts what zod would reject: it
 * only says yes to plain JSON values it fully understands. test/store/validate.test.ts
 * compares both on random data and keeps the field lists here equal to the zod shapes.
 */
import { createRequire } from 'node:module';
import { CREDENTIAL_TYPES, type Profile, type Section } from './schema.js';

export const NO: unique symbol = Symbol('not sure');
type Check = (v: unknown) => unknown;

const isPlain = (v: unknown): v is Record<string, unknown> => {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
};
const str: Check = (v) => (typeof v === 'string' ? v : NO);
const nonEmpty: Check = (v) => (typeof v === 'string' && v.length >= 1 ? v : NO);
const num: Check = (v) => (typeof v === 'number' && !Number.isNaN(v) ? v : NO);
const bool: Check = (v) => (typeof v === 'boolean' ? v : NO);
const unknown: Check = (v) => v;
const oneOf =
  (values: readonly unknown[]): Check =>
  (v) =>
    values.includes(v) ? v : NO;
const opt =
  (c: Check): Check =>
  (v) =>
    v === undefined ? undefined : c(v);
const either =
  (a: Check, b: Check): Check =>
  (v) => {
    const r = a(v);
    return r === NO ? b(v) : r;
  };
const array =
  (item: Check): Check =>
  (v) => {
    if (!Array.isArray(v)) return NO;
    const out: unknown[] = [];
    for (const x of v) {
      const r = item(x);
      if (r === NO) return NO;
      out.push(r);
    }
    return out;
  };
/** z.record(z.string(), value): a fresh object of every key but `__proto__`. */
const record =
  (value: Check): Check =>
  (v) => {
    if (!isPlain(v)) return NO;
    const out: Record<string, unknown> = {};
    for (const k in v) {
      const r = value(v[k]);
      if (r === NO) return NO;
      if (k !== '__proto__') out[k] = r;
    }
    return out;
  };
/** z.object(shape).passthrough(): shape keys first (those present or defined), then the rest. */
const object = (shape: Record<string, Check>): Check & { keys: string[] } => {
  const keys = Object.keys(shape);
  // The checks as an array and the keys as a set: the monitor checks 10,000 profiles a first
  // cycle, and a lookup in `shape` by a varying key is a slow, megamorphic load each time.
  const checks = keys.map((k) => shape[k] as Check);
  const known = new Set(keys);
  const check = (v: unknown) => {
    if (!isPlain(v)) return NO;
    const out: Record<string, unknown> = {};
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i] as string;
      const r = (checks[i] as Check)(v[k]);
      if (r === NO) return NO;
      if (r !== undefined || k in v) out[k] = r;
    }
    for (const k in v) if (!known.has(k) && k !== '__proto__') out[k] = v[k];
    return out;
  };
  return Object.assign(check, { keys });
};

const SecretRef = object({ source: oneOf(['env', 'file']), id: nonEmpty });
const secretField = either(str, SecretRef);
const ProfileShape = object({
  type: oneOf(CREDENTIAL_TYPES),
  provider: nonEmpty,
  key: opt(secretField),
  keyRef: opt(SecretRef),
  token: opt(secretField),
  tokenRef: opt(SecretRef),
  access: opt(str),
  refresh: opt(str),
  expires: opt(num),
  refreshExpires: opt(num),
  email: opt(str),
  accountId: opt(str),
  baseUrl: opt(str),
});
const QuotaWindow = object({ window: str, utilization: num, resetsAt: opt(num) });
const ProbeRecord = object({
  at: num,
  ok: bool,
  reason: str,
  httpStatus: opt(num),
  latencyMs: opt(num),
  requestId: opt(str),
  hint: opt(str),
  detail: opt(str),
  secretHash: opt(str),
  quota: opt(array(QuotaWindow)),
  quotaStatus: opt(str),
  clockSkewMs: opt(num),
});
const RefreshRecord = object({
  at: num,
  ok: bool,
  reason: opt(str),
  permanent: opt(bool),
  detail: opt(str),
  refusedRefreshHash: opt(str),
});
const QuotaRecord = object({ at: num, windows: array(QuotaWindow), status: opt(str) });
const UsageStats = object({
  lastUsed: opt(num),
  cooldownUntil: opt(num),
  errorCount: opt(num),
  failureCounts: opt(record(num)),
  disabledUntil: opt(num),
  disabledReason: opt(str),
  lastProbe: opt(ProbeRecord),
  lastRefresh: opt(RefreshRecord),
  quota: opt(QuotaRecord),
});
const Store = object({
  version: opt(oneOf([1])),
  profiles: opt(record(unknown)),
  order: opt(record(unknown)),
  lastGood: opt(record(unknown)),
  usageStats: opt(record(unknown)),
});
const ENTRY: Record<Section, Check> = { order: array(str), lastGood: str, usageStats: UsageStats };

/** The field lists, for the test that keeps them equal to the zod shapes. */
export const FAST_SHAPES = {
  SecretRefSchema: SecretRef,
  ProfileSchema: ProfileShape,
  QuotaWindowSchema: QuotaWindow,
  ProbeRecordSchema: ProbeRecord,
  RefreshRecordSchema: RefreshRecord,
  QuotaRecordSchema: QuotaRecord,
  UsageStatsSchema: UsageStats,
  StoreSchema: Store,
};

export type Parsed<T> =
  | { success: true; data: T }
  | { success: false; error: { issues: { path: (string | number)[]; message: string }[] } };

let zodModule: typeof import('./schema-zod.js') | undefined;
/**
 * The zod schemas, loaded on first need. In the CLI bundle (CommonJS) this `require` is bundled
 * by esbuild as a lazy initialiser; from ES modules it goes through createRequire: to the .ts
 * file under tsx, to the compiled .js next to this one in the tests' compiled tree.
 */
export function zodSchemas(): typeof import('./schema-zod.js') {
  zodModule ??=
    typeof require === 'function'
      ? require('./schema-zod.js')
      : createRequire(import.meta.url)(import.meta.url.endsWith('.ts') ? './schema-zod.ts' : './schema-zod.js');
  return zodModule as typeof import('./schema-zod.js');
}

function parse<T>(fast: Check, v: unknown, slow: () => { safeParse(v: unknown): unknown }): Parsed<T> {
  const r = fast(v);
  return r === NO ? (slow().safeParse(v) as Parsed<T>) : { success: true, data: r as T };
}
export const parseProfileShape = (v: unknown): Parsed<Profile> =>
  parse(ProfileShape, v, () => zodSchemas().ProfileSchema);
export const parseStoreShape = (v: unknown): Parsed<Record<string, unknown>> =>
  parse(Store, v, () => zodSchemas().StoreSchema);
export const parseEntry = (section: Section, v: unknown): Parsed<unknown> =>
  parse(ENTRY[section], v, () => zodSchemas().SECTION_ENTRY[section]);
