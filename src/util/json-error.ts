/**
 * What went wrong in a JSON.parse, without the input. V8 quotes the text around an unexpected
 * token (`Unexpected token 'C', ..."token": CANARYSECR"... is not valid JSON`); in a
 * hand-edited store or config that text is usually the start of a secret, so it is dropped.
 */
export function jsonParseProblem(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  if (!/^Unexpected token/.test(msg)) return msg;
  const pos = /at position (\d+)/.exec(msg);
  return `unexpected character${pos ? ` at position ${pos[1]}` : ''} (the text there is not shown: it may be a secret)`;
}
