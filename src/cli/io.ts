/**
 * What one CLI run talks to: its environment, working directory, standard streams and clock.
 * `run(argv, io)` scopes them to the run (AsyncLocalStorage), so a test can run many commands
 * at once in one process, each with its own HOME, stdin and captured output; outside a run
 * (and in the `aipro` process) they are the process's own.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { LoadOptions } from '../context.js';

/** An output stream, and what the CLI asks of it for terminal layout (width, colour). */
export type Out = NodeJS.WritableStream & { isTTY?: boolean; columns?: number };

export interface Io {
  env: Record<string, string | undefined>;
  cwd: string;
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  stdout: Out;
  stderr: Out;
  now: () => number;
}

interface Scope {
  io: Io;
  exitCode: number | undefined;
}

const storage = new AsyncLocalStorage<Scope>();

/**
 * The process's own io: what `aipro` itself runs with. Read through getters: touching
 * `process.stdin` builds a stream (and loads fs/promises and readline, ~2 ms of a cold start)
 * that most commands never read.
 */
const PROCESS_IO: Io = {
  get env() {
    return process.env;
  },
  get cwd() {
    return process.cwd();
  },
  get stdin() {
    return process.stdin;
  },
  get stdout() {
    return process.stdout;
  },
  get stderr() {
    return process.stderr;
  },
  now: () => Date.now(),
};

export function processIo(): Io {
  return PROCESS_IO;
}

/** The io of the running command (the process's own outside `run`). */
export function io(): Io {
  return storage.getStore()?.io ?? PROCESS_IO;
}

/** The exit code the command chose, without ending anything (the caller of `run` exits). */
export function setExitCode(code: number): void {
  const scope = storage.getStore();
  if (scope) scope.exitCode = code;
  else process.exitCode = code;
}

/** How `loadContext` sees this run: its env, cwd and clock. */
export function contextOptions(): Required<LoadOptions> {
  const { env, cwd, now } = io();
  return { env, cwd, now };
}

/** The exit code the running command set so far, if any. */
export function exitCode(): number | undefined {
  const scope = storage.getStore();
  return scope ? scope.exitCode : typeof process.exitCode === 'number' ? process.exitCode : undefined;
}

/** Run `fn` with `given` as the command's io (and a fresh exit code). */
export function withIo<T>(given: Io, fn: () => Promise<T>): Promise<T> {
  return storage.run({ io: given, exitCode: undefined }, fn);
}
