/**
 * Reading the auth store. Expected failures (missing file, bad JSON, wrong schema,
 * unreadable file) come back as data so commands can report them and stop without
 * ever writing over the file.
 */
import { readFileSync } from 'node:fs';
import { jsonParseProblem } from '../util/json-error.js';
import { parseProfile } from './profile-parse.js';
import {
  RAW_PROFILES,
  SECTIONS,
  emptyStore,
  type Profile,
  type RawProfiles,
  type Section,
  type Store,
} from './schema.js';
import { parseEntry, parseStoreShape } from './validate.js';

/** Stores are small; anything past this is not an auth store. */
export const MAX_STORE_BYTES = 8 * 1024 * 1024;

export type StoreReadError = {
  ok: false;
  path: string;
  reason: 'unreadable' | 'too_large' | 'encoding' | 'parse' | 'schema' | 'version';
  detail: string;
};
export type StoreRead = { ok: true; path: string; exists: boolean; store: Store } | StoreReadError;

/** Parse store text (already decoded). Pure; used by the reader and by property tests. */
export function parseStoreText(text: string, path = '<input>'): StoreRead {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return { ok: false, path, reason: 'parse', detail: `not valid JSON (${jsonParseProblem(err)})` };
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    return { ok: false, path, reason: 'schema', detail: '(top level): not a JSON object' };
  }
  if ('version' in json && (json as { version: unknown }).version !== 1) {
    return {
      ok: false,
      path,
      reason: 'version',
      detail:
        `unsupported store version ${JSON.stringify((json as { version: unknown }).version)} (this aipro reads ` +
        `version 1)`,
    };
  }
  const parsed = parseStoreShape(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? issue.path.join('.') : '(top level)';
    return { ok: false, path, reason: 'schema', detail: `${where}: ${issue?.message ?? 'invalid'}` };
  }
  // Profiles from the JSON itself: a parser's copy could turn an id like "__proto__" into a prototype.
  const profiles = (json as { profiles?: Record<string, unknown> }).profiles ?? {};
  return { ok: true, path, exists: true, store: storeFromParsed(parsed.data, profiles) };
}

/**
 * Parse each profile on its own; keep every profile as read for the next write. The JSON of
 * each parsed profile (what a write compares against) is not made here: most reads never
 * write (the monitor reads 10,000 profiles a cycle), so `readJson` makes it from the raw
 * profile when a write first asks.
 */
function storeFromParsed(data: Record<string, unknown>, raw: Record<string, unknown>): Store {
  const meta: RawProfiles = {
    raw: { ...raw },
    parsed: {},
    malformed: {},
    badEntries: { order: {}, lastGood: {}, usageStats: {} },
  };
  const good: [string, Profile][] = [];
  for (const [id, value] of Object.entries(raw)) {
    const p = parseProfile(value);
    if (p.ok) good.push([id, p.profile]);
    else meta.malformed[id] = p.reason;
  }
  const sections: Partial<Record<Section, Record<string, unknown>>> = {};
  for (const name of SECTIONS) {
    const section = data[name] as Record<string, unknown> | undefined;
    if (section === undefined) continue;
    const kept: [string, unknown][] = [];
    for (const [key, value] of Object.entries(section)) {
      const entry = parseEntry(name, value);
      if (entry.success) kept.push([key, entry.data]);
      else {
        const issue = entry.error.issues[0];
        meta.badEntries[name][key] = {
          raw: value,
          reason: `${issue?.path.length ? `${issue.path.join('.')}: ` : ''}${issue?.message ?? 'invalid'}`,
        };
      }
    }
    sections[name] = Object.fromEntries(kept);
  }
  // fromEntries defines own properties, so an id like "__proto__" stays data.
  const store = { version: 1, ...data, ...sections, profiles: Object.fromEntries(good) } as Store;
  store[RAW_PROFILES] = meta;
  return store;
}

/**
 * The store as it goes to disk: profiles nobody changed are written back exactly as read
 * (legacy spellings, key order, unknown types, malformed ones); changed and new ones as parsed.
 */
export function storeForDisk(store: Store): Record<string, unknown> {
  const meta = store[RAW_PROFILES];
  if (!meta) return store;
  const out: [string, unknown][] = [];
  for (const [id, raw] of Object.entries(meta.raw)) {
    if (Object.hasOwn(store.profiles, id)) {
      const p = store.profiles[id];
      const read = readJson(meta, id);
      out.push([id, read !== undefined && read === JSON.stringify(p) ? raw : p]);
    } else if (Object.hasOwn(meta.malformed, id)) out.push([id, raw]);
  }
  for (const [id, p] of Object.entries(store.profiles)) if (!Object.hasOwn(meta.raw, id)) out.push([id, p]);
  const disk: Record<string, unknown> = { ...store, profiles: Object.fromEntries(out) };
  for (const name of Object.keys(meta.badEntries) as Section[]) {
    const bad = Object.entries(meta.badEntries[name]);
    if (bad.length === 0) continue;
    const current = (store[name] ?? {}) as Record<string, unknown>;
    // A removed profile takes its unreadable entries with it; a new entry under the key replaces the old one.
    const back = bad.filter(
      ([key]) => !Object.hasOwn(current, key) && (name === 'usageStats' ? profileExists(store, meta, key) : true),
    );
    if (back.length) disk[name] = { ...current, ...Object.fromEntries(back.map(([key, e]) => [key, e.raw])) };
  }
  return disk;
}

/**
 * The JSON of profile `id` as parsed when read (undefined if it did not parse), made on first
 * need and kept. Parsing is pure and nothing changes a raw profile, so this is what the read
 * would have made.
 */
function readJson(meta: RawProfiles, id: string): string | undefined {
  // Set and read back through the plain object as the read-time snapshot did: an id like
  // "__proto__" never holds a string there, so such a profile is written as parsed, as before.
  if (!Object.hasOwn(meta.parsed, id) && !Object.hasOwn(meta.malformed, id)) {
    const p = parseProfile(meta.raw[id]);
    if (p.ok) meta.parsed[id] = JSON.stringify(p.profile);
  }
  return meta.parsed[id];
}

function profileExists(store: Store, meta: RawProfiles, id: string): boolean {
  return Object.hasOwn(store.profiles, id) || Object.hasOwn(meta.malformed, id);
}

/** Decode bytes as strict UTF-8 and parse. Pure. */
export function parseStoreBytes(bytes: Uint8Array, path = '<input>'): StoreRead {
  if (bytes.byteLength > MAX_STORE_BYTES) {
    return {
      ok: false,
      path,
      reason: 'too_large',
      detail: `file is ${bytes.byteLength} bytes; an auth store is at most ${MAX_STORE_BYTES}`,
    };
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return { ok: false, path, reason: 'encoding', detail: 'file is not UTF-8 text' };
  }
  return parseStoreText(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text, path);
}

/** Read a store file. A missing file is an empty store (`exists: false`). */
export function readStore(path: string): StoreRead {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    return storeReadFailure(path, err as NodeJS.ErrnoException);
  }
  return parseStoreBytes(bytes, path);
}

/** A store file that could not be read: missing is an empty store, anything else a failed read. */
export function storeReadFailure(path: string, e: NodeJS.ErrnoException): StoreRead {
  if (e.code === 'ENOENT') return { ok: true, path, exists: false, store: emptyStore() };
  return { ok: false, path, reason: 'unreadable', detail: `${e.code ?? 'error'}: ${e.message}` };
}

/** Does `<path>.bak` exist and parse? Only then can a restore be offered. */
export function bakParses(path: string): boolean {
  try {
    return parseStoreBytes(readFileSync(`${path}.bak`), `${path}.bak`).ok;
  } catch {
    return false;
  }
}

/**
 * One message for every command that meets a bad store: what, why, and the next command.
 * The restore is offered only when a good `.bak` exists: naming one that is not there sends
 * the operator to `doctor --fix`, which then cannot do it.
 */
export function storeErrorMessage(err: StoreReadError, doing = 'reading the auth store'): string {
  // A fleet store (path `postgres:<schema>/<agent>`) has no file and no .bak to restore.
  if (err.path.startsWith('postgres:'))
    return (
      `${doing} failed: ${err.path}: ${err.detail}. Nothing was written. Run \`aipro doctor\` to check the fleet ` +
      `store.`
    );
  const next = bakParses(err.path)
    ? `\`aipro doctor --fix\` can restore ${err.path}.bak`
    : 'there is no usable .bak to restore: move the file away and add the credentials again with `aipro models auth ' +
      'add-key` or `paste-token`';
  return (
    `${doing} failed: ${err.path}: ${err.detail}. The file was left untouched. Run \`aipro doctor\` to inspect it ` +
    `(${next}).`
  );
}
