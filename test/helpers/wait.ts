/**
 * Waiting in tests: poll for a condition with a generous deadline instead of sleeping a fixed
 * time, so a loaded machine makes a test slower, never red.
 */

/** Poll `fn` until it returns a truthy value (or throw after `timeoutMs`, naming `what`). */
export async function eventually<T>(
  fn: () => Promise<T | undefined | null | false>,
  timeoutMs = 30_000,
  what = 'condition',
  intervalMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${describe(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** The last error as one line; a failed fetch also names the socket error under it (ECONNREFUSED, …). */
function describe(err: unknown): string {
  const code = (err as { cause?: { code?: unknown } } | null)?.cause?.code;
  return typeof code === 'string' ? `${String(err)} (${code})` : String(err);
}
