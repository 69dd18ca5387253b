/**
 * The config without convict, for what nearly every host has: no file, or a file of known keys
 * with valid values, and no env override. Building and validating convict's schema is a
 * measurable share of `aipro models status`'s cold start. Whenever this reader cannot be sure
 * it gives what convict gives, it returns undefined and convict runs, so convict stays the one
 * source of the config's meaning and of every error shown (a property test compares the two).
 *
 * What it reproduces of convict (6.x, as load.ts drives it): defaults in schema order; a leaf's
 * value replaces its default, except a map of plain values (models.aliases), which is merged
 * over its default; each leaf is checked by its schema format; `default` children are declared
 * `__default` and come out last in their section. What it declines: env overrides, unknown
 * keys, strings where convict would coerce them (a "5000" for a number), keys that are
 * Object.prototype names or hold a `.` below a map id, objects where convict expects none.
 */
import { isPlainObject, PROTO_NAMES, renameDefault } from './plain.js';
import { schema, type AiproConfig } from './schema.js';

type Obj = Record<string, unknown>;

interface Leaf {
  default: unknown;
  /** convict's check of the leaf's value: throws when invalid. */
  check: (v: unknown) => void;
  /** convict converts a string given to this leaf (parseInt, split, JSON.parse…). */
  coercesStrings: boolean;
}

// convict's built-in formats: a constructor (type tag check), a type name, or a list of values.
const BUILT_INS = new Map<unknown, string>(
  [Object, Array, String, Number, Boolean, RegExp].map((f) => [
    f,
    Object.prototype.toString.call(new (f as new () => unknown)()),
  ]),
);
const NAMED: Record<string, (x: unknown) => boolean> = {
  '*': () => true,
  int: (x) => Number.isInteger(x),
  integer: (x) => Number.isInteger(x),
  nat: (x) => Number.isInteger(x) && (x as number) >= 0,
  port: (x) => Number.isInteger(x) && (x as number) >= 0 && (x as number) <= 65535,
};
const COERCING = new Set(['port', 'nat', 'integer', 'int', 'number', 'boolean', 'array', 'object', 'regexp']);
const UNKNOWN_FORMAT = (): void => {
  throw new Error('format not known to the fast reader');
};

function leafOf(node: Obj): Leaf {
  const format = node.format;
  let check: (v: unknown) => void = UNKNOWN_FORMAT;
  let name: string | null = null;
  const tag = BUILT_INS.get(format);
  if (tag !== undefined) {
    name = (format as { name: string }).name.toLowerCase();
    check = (v) => {
      if (Object.prototype.toString.call(v) !== tag) throw new Error('type');
    };
  } else if (typeof format === 'string') {
    name = format;
    const is = NAMED[format];
    if (is)
      check = (v) => {
        if (!is(v)) throw new Error('format');
      };
  } else if (Array.isArray(format)) {
    check = (v) => {
      if (!format.includes(v)) throw new Error('not one of the values');
    };
  } else if (typeof format === 'function') {
    check = format as (v: unknown) => void;
  }
  // convict picks the conversion of a string by the format's name, else by the default's type.
  const by = name ?? (node.default !== null && node.default !== undefined ? typeof node.default : null);
  return { default: node.default, check, coercesStrings: by !== null && COERCING.has(by) };
}

/** The schema as a tree of sections and leaves, built once. */
type Tree = Map<string, Tree | Leaf>;
function treeOf(node: Obj): Tree {
  const out: Tree = new Map();
  for (const [k, v] of Object.entries(node)) {
    if (!isPlainObject(v)) continue;
    out.set(k, Object.hasOwn(v, 'default') ? leafOf(v) : treeOf(v));
  }
  return out;
}
const TREE = treeOf(schema as unknown as Obj);

const ENV_NAMES: readonly string[] = (function envNames(node: Obj): string[] {
  return Object.values(node).flatMap((v) =>
    !isPlainObject(v) ? [] : Object.hasOwn(v, 'default') ? (typeof v.env === 'string' ? [v.env] : []) : envNames(v),
  );
})(schema as unknown as Obj);

/** No key in `v` (at any depth) that convict's dotted walks or its overlay treat specially. */
function plainKeys(v: unknown): boolean {
  if (Array.isArray(v)) return v.every(plainKeys);
  if (!isPlainObject(v)) return true;
  return Object.entries(v).every(([k, x]) => !PROTO_NAMES.has(k) && !k.includes('.') && plainKeys(x));
}

/** A map's ids may hold dots (load.ts encodes them for convict); what is below them may not. */
function plainMapKeys(v: Obj): boolean {
  return Object.entries(v).every(([k, x]) => !PROTO_NAMES.has(k) && plainKeys(x));
}

function defaultsOf(tree: Tree): Obj {
  const out: Obj = {};
  for (const [k, node] of tree) out[k] = node instanceof Map ? defaultsOf(node) : structuredClone(node.default);
  return out;
}

/** Put the raw section `raw` over `into` (defaults), as convict's load + set would; false: decline. */
function overlay(raw: Obj, into: Obj, tree: Tree, top: boolean): boolean {
  for (const [key, value] of Object.entries(raw)) {
    if (PROTO_NAMES.has(key) || key === '__default') return false;
    // `agents.default` and `models.default` are declared `__default`.
    const name = !top && key === 'default' && tree.has('__default') ? '__default' : key;
    const node = tree.get(name);
    if (node === undefined) return false;
    if (node instanceof Map) {
      if (!isPlainObject(value) || !overlay(value, into[name] as Obj, node, false)) return false;
      continue;
    }
    if (typeof value === 'string' && node.coercesStrings) return false;
    if (isPlainObject(value)) {
      if (isPlainObject(node.default)) {
        if (!plainMapKeys(value)) return false;
        // convict merges a map of plain values over its default; a map of objects replaces it.
        const merge = !Object.values(value).some(isPlainObject);
        into[name] = merge ? Object.assign(into[name] as Obj, structuredClone(value)) : structuredClone(value);
        continue;
      }
      // An object for a leaf that is not a map: convict accepts it only where the default is
      // null (a `{source, id}` secret reference) and only with plain keys.
      if (node.default !== null || !plainKeys(value)) return false;
    } else if (!plainKeys(value)) return false;
    into[name] = structuredClone(value);
  }
  return true;
}

/** Every leaf passes its format, as convict's validate would check it; false: decline. */
function valid(config: Obj, tree: Tree): boolean {
  for (const [k, node] of tree) {
    const value = config[k];
    if (node instanceof Map) {
      if (!isPlainObject(value) || !valid(value, node)) return false;
      continue;
    }
    try {
      node.check(value);
    } catch {
      return false;
    }
  }
  return true;
}

/**
 * The config convict would give for `raw` (parsed JSON) and `env`, or undefined when this reader
 * cannot be sure of it (then convict decides, and words any error).
 */
export function fastConfig(raw: Obj, env: Record<string, string | undefined>): AiproConfig | undefined {
  if (ENV_NAMES.some((name) => env[name] !== undefined)) return undefined;
  const config = defaultsOf(TREE);
  if (!overlay(raw, config, TREE, true) || !valid(config, TREE)) return undefined;
  return renameDefault(config, '__default', 'default') as unknown as AiproConfig;
}
