/**
 * An expected failure the operator can act on (a full disk, a read-only filesystem, a lock
 * held too long). Anything that prints errors shows its message as is, exit 1, and never
 * asks the operator to report a bug. Kept free of imports so any layer may throw it.
 */
export class OperatorError extends Error {
  readonly exitCode: number = 1;
}
