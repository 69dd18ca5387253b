/**
 * One regular expression written as several literals, for patterns longer than a line: the pieces'
 * sources are joined in order (each piece must be a valid pattern on its own), with `flags`.
 */
export function joinRe(flags: string, ...pieces: RegExp[]): RegExp {
  return new RegExp(pieces.map((p) => p.source).join(''), flags);
}
