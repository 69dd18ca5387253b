/**
 * Order profile ids, providers and names the way `String.prototype.localeCompare` does, without
 * paying for it on the common path: the first localeCompare call of a process builds an ICU
 * collator (~10 ms of CPU, a sixth of `models status`'s whole start). Ids made only of lowercase
 * ASCII letters, digits and ASCII punctuation are ranked by a table of the collator's own order
 * for those characters (each has a distinct primary weight, so comparing them one by one is what
 * the collator does); anything else (capitals, non-ASCII) still goes through localeCompare.
 */
const ICU_ORDER = ' _-,;:!?.\'"()[]{}@*/\\&#%`^+<=>|~$0123456789abcdefghijklmnopqrstuvwxyz';

const RANK = new Uint8Array(128); // 0: not in the table
for (let i = 0; i < ICU_ORDER.length; i++) RANK[ICU_ORDER.charCodeAt(i)] = i + 1;

/** A negative, zero or positive number, like `a.localeCompare(b)`. */
export function compareText(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const ca = a.charCodeAt(i);
    const cb = b.charCodeAt(i);
    const ra = ca < 128 ? (RANK[ca] as number) : 0;
    const rb = cb < 128 ? (RANK[cb] as number) : 0;
    if (ra === 0 || rb === 0) return a.localeCompare(b);
    if (ra !== rb) return ra - rb;
  }
  for (let i = n; i < a.length; i++)
    if (a.charCodeAt(i) >= 128 || RANK[a.charCodeAt(i)] === 0) return a.localeCompare(b);
  for (let i = n; i < b.length; i++)
    if (b.charCodeAt(i) >= 128 || RANK[b.charCodeAt(i)] === 0) return a.localeCompare(b);
  return a.length - b.length;
}
