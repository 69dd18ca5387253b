/**
 * What both config readers (convict's in load.ts and the fast one in fast-read.ts) need to
 * agree on about raw JSON: which values are plain objects, which keys are Object.prototype
 * names (convict's dotted walks and `in` checks trip on them), and how the `default` children
 * of agents and models travel as `__default` (convict reserves `default` in a schema).
 */

export const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  Boolean(v) && typeof v === 'object' && !Array.isArray(v);

/** Keys that are Object.prototype names (`constructor`, `toString`, `__proto__`…). */
export const PROTO_NAMES: ReadonlySet<string> = new Set(Object.getOwnPropertyNames(Object.prototype));

/** Sections whose `default` child is declared as `__default` in the schema. */
const DEFAULT_SECTIONS = ['agents', 'models'] as const;

/** A copy of `obj` whose agents/models child `from` is renamed `to` (and moved last in its section). */
export function renameDefault(obj: Record<string, unknown>, from: string, to: string): Record<string, unknown> {
  const out: Record<string, unknown> = { ...obj };
  for (const section of DEFAULT_SECTIONS) {
    const sec = out[section];
    if (isPlainObject(sec) && Object.hasOwn(sec, from)) {
      const { [from]: value, ...rest } = sec;
      out[section] = { ...rest, [to]: value };
    }
  }
  return out;
}
