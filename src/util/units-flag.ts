/** `--units a,b,c` of the service installers: a list of known names, in their canonical order. */

/** Parse the list against `known` (in order); unknown names are reported, not guessed; absent means `defaults`. */
export function parseUnitsFlag<N extends string>(
  text: string | undefined,
  known: readonly N[],
  defaults: readonly N[],
): { ok: true; names: N[] } | { ok: false; detail: string } {
  if (text === undefined) return { ok: true, names: [...defaults] };
  const names = text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const unknown = names.filter((n) => !(known as readonly string[]).includes(n));
  if (names.length === 0 || unknown.length > 0) {
    return {
      ok: false,
      detail:
        `--units takes a comma-separated list of ` +
        `${known.join(', ')}${unknown.length ? ` (unknown: ${unknown.join(', ')})` : ''}`,
    };
  }
  return { ok: true, names: known.filter((n) => names.includes(n)) };
}
