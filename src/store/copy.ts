/**
 * Moving stores between backends, pure: what `aipro store copy` writes into the target
 * given the source store and what the target already holds. An empty target receives the
 * source exactly (so file → postgres → file is byte-equal). Into a store that exists, the
 * source's profiles are copied except where the target holds a NEWER token of the same
 * profile (a later `expires`: another host refreshed it meanwhile, and its refresh token is
 * the live one); profiles only the target has are kept. Copying twice changes nothing.
 */
import { isDeepStrictEqual } from 'node:util';
import { storeForDisk } from './read.js';
import { cloneStore, RAW_PROFILES, type Store } from './schema.js';

export interface CopyDecision {
  /** The store to write, or null when the target already matches. */
  store: Store | null;
  /** Profiles whose newer target version was kept. */
  keptNewer: string[];
  /** Profiles written from the source. */
  copied: string[];
}

const expiresOf = (p: unknown): number | null => {
  const e = (p as { expires?: unknown } | undefined)?.expires;
  return typeof e === 'number' && Number.isFinite(e) ? e : null;
};

/** True when the target's version of a profile holds a newer credential than the source's. */
export function targetIsNewer(src: unknown, dst: unknown): boolean {
  const a = expiresOf(src);
  const b = expiresOf(dst);
  return a !== null && b !== null && b > a;
}

/** What a store writes: profiles as read (legacy spellings, malformed ones) where nobody changed them. */
const diskText = (s: Store) => JSON.stringify(storeForDisk(s));

/**
 * Profiles the target holds that do not parse (and the source does not have) stay in the
 * target: a copy never drops a stored credential, even one that needs repair.
 */
function keepTargetMalformed(out: Store, dst: Store): void {
  const from = dst[RAW_PROFILES];
  if (!from) return;
  const meta = out[RAW_PROFILES] ?? {
    raw: {},
    parsed: {},
    malformed: {},
    badEntries: { order: {}, lastGood: {}, usageStats: {} },
  };
  out[RAW_PROFILES] = meta;
  for (const [id, reason] of Object.entries(from.malformed)) {
    if (Object.hasOwn(out.profiles, id) || Object.hasOwn(meta.raw, id)) continue;
    meta.raw[id] = structuredClone(from.raw[id]);
    meta.malformed[id] = reason;
  }
}

export function mergeForCopy(src: Store, dst: Store, dstExists: boolean): CopyDecision {
  // cloneStore keeps the profiles as read, so an untouched profile is written back byte for byte.
  if (!dstExists) return { store: cloneStore(src), keptNewer: [], copied: Object.keys(src.profiles) };
  const out = cloneStore(src) as Store & Record<string, unknown>;
  const keptNewer: string[] = [];
  const copied: string[] = [];
  for (const [id, p] of Object.entries(src.profiles)) {
    const existing = dst.profiles[id];
    if (existing !== undefined && targetIsNewer(p, existing)) {
      out.profiles[id] = structuredClone(existing);
      const stats = dst.usageStats?.[id];
      if (stats) out.usageStats = { ...(out.usageStats ?? {}), [id]: structuredClone(stats) };
      keptNewer.push(id);
    } else if (!isDeepStrictEqual(existing, p)) copied.push(id);
  }
  for (const [id, p] of Object.entries(dst.profiles)) if (!(id in out.profiles)) out.profiles[id] = structuredClone(p);
  for (const [id, s] of Object.entries(dst.usageStats ?? {}))
    if (!(id in src.profiles)) out.usageStats = { ...(out.usageStats ?? {}), [id]: structuredClone(s) };
  for (const [prov, ids] of Object.entries(dst.order ?? {}))
    if (!out.order?.[prov]) out.order = { ...(out.order ?? {}), [prov]: [...ids] };
  for (const [prov, id] of Object.entries(dst.lastGood ?? {}))
    if (!out.lastGood?.[prov]) out.lastGood = { ...(out.lastGood ?? {}), [prov]: id };
  for (const [k, v] of Object.entries(dst)) if (!(k in out)) out[k] = structuredClone(v);
  keepTargetMalformed(out, dst);
  return { store: diskText(out) === diskText(dst) ? null : out, keptNewer, copied };
}
