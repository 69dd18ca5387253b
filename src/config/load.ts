/**
 * Loading and validating `aipro.json` against the one convict schema. A bad config
 * comes back as data naming the key and the reason; values are never echoed (they
 * may be secrets).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type convictModule from 'convict';
import { configPath, type Env } from '../store/paths.js';
import { jsonParseProblem } from '../util/json-error.js';
import { schema, SECRET_KEY_NAMES, type AiproConfig } from './schema.js';
import { fastConfig } from './fast-read.js';
import { isPlainObject, PROTO_NAMES, renameDefault } from './plain.js';

export type ConfigLoad =
  | { ok: true; path: string; exists: boolean; config: AiproConfig; raw: Record<string, unknown> }
  | { ok: false; path: string; key: string; detail: string };

/** Strip convict's ": value was …" tails so a secret never lands in an error. */
function cleanConvictMessage(message: string): { key: string; detail: string } {
  const first = message.split('\n')[0] ?? message;
  const noValue = first.replace(/: value was .*$/, '');
  const m = /^(?:configuration param '([^']+)' not declared in the schema)$/.exec(noValue);
  if (m)
    return { key: m[1] as string, detail: 'unknown key (not in the schema; see `aipro config --help` for the keys)' };
  const i = noValue.indexOf(': ');
  return i > 0 ? { key: noValue.slice(0, i), detail: noValue.slice(i + 2) } : { key: '(config)', detail: noValue };
}

/** Every schema leaf (dotted path), and whether its default is an object (a map like auth.profiles). */
function schemaLeaves(node: Record<string, unknown>, prefix = ''): { path: string; objectDefault: boolean }[] {
  const out: { path: string; objectDefault: boolean }[] = [];
  for (const [k, v] of Object.entries(node)) {
    if (!isPlainObject(v)) continue;
    const path = prefix ? `${prefix}.${k}` : k;
    if (Object.hasOwn(v, 'default')) out.push({ path, objectDefault: isPlainObject(v.default) });
    else out.push(...schemaLeaves(v, path));
  }
  return out;
}
const LEAVES = schemaLeaves(schema as unknown as Record<string, unknown>);

/** Leaves declared `sensitive: true` (e.g. monitor.heartbeat.url): redacted whatever their key name. */
const SENSITIVE_PATHS: ReadonlySet<string> = new Set(
  LEAVES.map((l) => l.path).filter(
    (p) => (getPath(schema, p) as { sensitive?: boolean } | undefined)?.sensitive === true,
  ),
);

/**
 * convict's load() recurses into an object value whose schema format is not the literal
 * 'object', and crashes on a map of objects (`auth.profiles.<id>.provider`) or on an object
 * given to a non-object leaf (`gateway.auth.token: {source, id}`). Take such values out
 * before load() and put them back whole with set(); validation is unchanged. String maps
 * (models.aliases) still go through load(), which merges them over their defaults.
 */
function splitObjectValues(raw: Record<string, unknown>): {
  rest: Record<string, unknown>;
  whole: [string, unknown][];
} {
  const rest = structuredClone(raw);
  const whole: [string, unknown][] = [];
  for (const { path, objectDefault } of LEAVES) {
    const parts = path.split('.');
    const parent = parts.length === 1 ? rest : getPath(rest, parts.slice(0, -1).join('.'));
    const last = parts[parts.length - 1] as string;
    if (!isPlainObject(parent) || !Object.hasOwn(parent, last)) continue;
    const value = parent[last];
    if (isPlainObject(value) && (!objectDefault || Object.values(value).some(isPlainObject))) {
      whole.push([path, value]);
      delete parent[last];
    }
  }
  return { rest, whole };
}

/**
 * convict walks keys by splitting on `.` and looks them up with `in`, so a map key that holds
 * an id (`openai:me@example.com`, `constructor`, `__proto__`) breaks it. Map keys go through
 * convict encoded (`.` and `%` escaped, prototype names prefixed) and come back decoded.
 */
const MAP_LEAVES = LEAVES.filter((l) => l.objectDefault).map((l) => l.path);
export function encodeMapKey(k: string): string {
  const e = k.replaceAll('%', '%25').replaceAll('.', '%2E');
  return PROTO_NAMES.has(k) ? `%P${e}` : e;
}
export function decodeMapKey(k: string): string {
  return (k.startsWith('%P') ? k.slice(2) : k).replaceAll('%2E', '.').replaceAll('%25', '%');
}
function mapMapKeys(obj: Record<string, unknown>, code: (k: string) => string): Record<string, unknown> {
  for (const path of MAP_LEAVES) {
    const parts = path.split('.');
    const last = parts.pop() as string;
    const parent = parts.length === 0 ? obj : getPath(obj, parts.join('.'));
    if (!isPlainObject(parent) || !Object.hasOwn(parent, last) || !isPlainObject(parent[last])) continue;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(parent[last] as Record<string, unknown>)) {
      Object.defineProperty(out, code(k), { value: v, enumerable: true, writable: true, configurable: true });
    }
    parent[last] = out;
  }
  return obj;
}

/**
 * convict (with yargs-parser and lodash.clonedeep) initialises on first use: the fast reader
 * answers most runs without it. In the bundle `require` is the bundle's own and esbuild bundles
 * the call; under tsx (ES modules) there is no `require`, so one is made here.
 */
let convictFn: typeof convictModule | undefined;
function convict(...args: Parameters<typeof convictModule>): ReturnType<typeof convictModule> {
  convictFn ??= (
    typeof require === 'function' ? require('convict') : createRequire(import.meta.url)('convict')
  ) as typeof convictModule;
  return convictFn(...args);
}

/**
 * Validate a raw config object (already parsed JSON). Pure but for convict's env overrides.
 * The fast reader answers when it gives convict's config for certain (no file, known keys,
 * no env override); convict decides everything else and words every error.
 */
export function validateConfig(raw: Record<string, unknown>, path: string, env: Env): ConfigLoad {
  const fast = fastConfig(raw, env);
  return fast ? { ok: true, path, exists: true, config: fast, raw } : validateWithConvict(raw, path, env);
}

/** validateConfig through convict alone (exported for the test that compares both readers). */
export function validateWithConvict(raw: Record<string, unknown>, path: string, env: Env): ConfigLoad {
  // convict reads overrides from process.env; give it the resolved env for this run.
  const cfg = convict(schema as never, { env: env as NodeJS.ProcessEnv });
  try {
    const { rest, whole } = splitObjectValues(
      mapMapKeys(renameDefault(structuredClone(raw), 'default', '__default'), encodeMapKey),
    );
    cfg.load(rest);
    for (const [key, value] of whole) cfg.set(key, value);
    cfg.validate({ allowed: 'strict' });
  } catch (err) {
    const message = (err as Error).message
      .replaceAll('__default', 'default')
      .replace(/%P|%2E|%25/g, (m) => (m === '%P' ? '' : m === '%2E' ? '.' : '%'));
    return { ok: false, path, ...cleanConvictMessage(message) };
  }
  const config = mapMapKeys(
    renameDefault(cfg.getProperties() as Record<string, unknown>, '__default', 'default'),
    decodeMapKey,
  ) as unknown as AiproConfig;
  return { ok: true, path, exists: true, config, raw };
}

/** Read the raw JSON of the config file; a missing file is `{}`. */
export function readRawConfig(
  path: string,
): { ok: true; exists: boolean; raw: Record<string, unknown> } | { ok: false; detail: string } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'ENOENT') return { ok: true, exists: false, raw: {} };
    return { ok: false, detail: `cannot read (${e.code ?? e.message})` };
  }
  try {
    const raw = JSON.parse(text) as unknown;
    if (!raw || typeof raw !== 'object' || Array.isArray(raw))
      return { ok: false, detail: 'the top level must be a JSON object' };
    return { ok: true, exists: true, raw: raw as Record<string, unknown> };
  } catch (err) {
    return { ok: false, detail: `not valid JSON (${jsonParseProblem(err)})` };
  }
}

/** Load the config at `AIPRO_CONFIG_PATH` / `~/.aipro/aipro.json`, defaults when absent. */
export function loadConfig(env: Env = process.env, path = configPath(env)): ConfigLoad {
  const read = readRawConfig(path);
  if (!read.ok) return { ok: false, path, key: '(file)', detail: read.detail };
  const res = validateConfig(read.raw, path, env);
  return res.ok ? { ...res, exists: read.exists } : res;
}

/** The message every command prints for a bad config. */
export function configErrorMessage(err: Extract<ConfigLoad, { ok: false }>): string {
  // A file that does not parse (or is not an object) has no key to set: `config set` refuses
  // to write over it, so the fix is by hand.
  if (err.key === '(file)' || err.key === '(config)') {
    return (
      `cannot load config ${err.path}: ${err.detail}. The file was left untouched; fix it in an editor or move it ` +
      `aside (defaults then apply), then \`aipro config validate\`.`
    );
  }
  return (
    `cannot load config ${err.path}: ${err.key}: ${err.detail}. Fix it with \`aipro config set ${err.key} VALUE\` ` +
    `(or \`aipro config unset ${err.key}\`), then \`aipro config validate\`.`
  );
}

/** Header names whose values are credentials (Authorization, X-Api-Key, Cookie, signatures…). */
const SECRET_HEADER = /(auth|token|key|secret|cookie|pass|signature|session)/i;

/**
 * A URL shown without its credentials: userinfo and every query value become `[redacted]`
 * (webhook URLs carry tokens in `?token=…`). Not a URL: returned unchanged.
 */
export function redactUrl(text: string): string {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) return text;
  const withoutUser = text.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?#@\s]*@/i, '$1[redacted]@');
  return withoutUser.replace(/([?&][^=&#]*=)[^&#]*/g, '$1[redacted]');
}

/**
 * A deep copy with every secret literal replaced: secret-named keys, every value of a secret
 * header (`headers.Authorization`), URL userinfo and query values. `{source,id}` refs are kept
 * (they name where the secret is, not the secret).
 */
export function redactConfig<T>(value: T, keyName = '', path = keyName, parentName = ''): T {
  if (Array.isArray(value)) return value.map((v) => redactConfig(v, '', path, keyName)) as T;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
    for (const [k, v] of Object.entries(value)) out[k] = redactConfig(v, k, path ? `${path}.${k}` : k, keyName);
    return { ...out } as T;
  }
  if (typeof value !== 'string' || value.length === 0) return value;
  if (SECRET_KEY_NAMES.has(keyName) || SENSITIVE_PATHS.has(path)) return '[redacted]' as T;
  if (/^headers$/i.test(parentName) && SECRET_HEADER.test(keyName)) return '[redacted]' as T;
  return redactUrl(value) as T;
}

/** Maps whose values are objects (`<map>.<id>.<field>`); in the other maps the whole rest is the id. */
const OBJECT_VALUE_MAPS = new Set(['auth.profiles', 'models.providers', 'alerts.channels']);

/**
 * Split a dotted config key into its path, keeping a map key that holds an id whole:
 * `auth.profiles.openai:me@example.com.provider` → auth / profiles / openai:me@example.com / provider.
 * An id that already exists in the map (`within`) wins; otherwise the whole rest is the id in
 * maps of plain values (auth.order, env.vars, models.aliases) and when `value` is an object.
 */
export function splitConfigKey(key: string, within: unknown, value?: unknown): string[] {
  for (const leaf of MAP_LEAVES) {
    if (!key.startsWith(`${leaf}.`)) continue;
    const head = leaf.split('.');
    const rest = key.slice(leaf.length + 1);
    const map = getPath(within, head);
    const ids = isPlainObject(map) ? Object.keys(map) : [];
    if (ids.includes(rest)) return [...head, rest];
    const id = ids.filter((k) => rest.startsWith(`${k}.`)).sort((a, b) => b.length - a.length)[0];
    if (id !== undefined) return [...head, id, ...rest.slice(id.length + 1).split('.')];
    if (!OBJECT_VALUE_MAPS.has(leaf) || isPlainObject(value)) return [...head, rest];
    return [...head, ...rest.split('.')];
  }
  return key.split('.');
}

// A declaration (hoisted): getPath runs while this module initialises (SENSITIVE_PATHS).
function partsOf(key: string | string[]): string[] {
  return Array.isArray(key) ? key : key.split('.');
}

/** `a.b.c` (or an already split path) lookup on a plain object. */
export function getPath(obj: unknown, key: string | string[]): unknown {
  let cur: unknown = obj;
  for (const part of partsOf(key)) {
    if (!cur || typeof cur !== 'object' || !Object.hasOwn(cur, part)) return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

/** Set `a.b.c` on a copy; creates intermediate objects. */
export function setPath(obj: Record<string, unknown>, key: string | string[], value: unknown): Record<string, unknown> {
  const root = structuredClone(obj);
  const parts = partsOf(key);
  let cur: Record<string, unknown> = root;
  for (const part of parts.slice(0, -1)) {
    const next = cur[part];
    if (!next || typeof next !== 'object' || Array.isArray(next)) cur[part] = {};
    cur = cur[part] as Record<string, unknown>;
  }
  cur[parts[parts.length - 1] as string] = value;
  return root;
}

/** Remove `a.b.c` on a copy (and now-empty parents). */
export function unsetPath(
  obj: Record<string, unknown>,
  key: string | string[],
): { next: Record<string, unknown>; removed: boolean } {
  const root = structuredClone(obj);
  const parts = partsOf(key);
  const chain: Record<string, unknown>[] = [root];
  for (const part of parts.slice(0, -1)) {
    const next = chain[chain.length - 1]?.[part];
    if (!next || typeof next !== 'object') return { next: root, removed: false };
    chain.push(next as Record<string, unknown>);
  }
  const last = parts[parts.length - 1] as string;
  const holder = chain[chain.length - 1] as Record<string, unknown>;
  if (!Object.hasOwn(holder, last)) return { next: root, removed: false };
  delete holder[last];
  for (let i = chain.length - 1; i > 0; i--) {
    if (Object.keys(chain[i] as object).length === 0)
      delete (chain[i - 1] as Record<string, unknown>)[parts[i - 1] as string];
  }
  return { next: root, removed: true };
}
