/**
 * Child processes the tests start (Prometheus, Alertmanager, tools, test workers): run one to its
 * end, wait until ready, stop for sure, run a TypeScript worker.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { eventually } from './wait.js';

const exited = (c: ChildProcess) => c.exitCode !== null || c.signalCode !== null;

export interface ProcessResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface ProcessOptions {
  env?: Record<string, string> | undefined;
  cwd?: string | undefined;
  /** Fed on stdin, which then ends; without it stdin is closed (/dev/null). */
  input?: string | undefined;
  /** SIGKILLed after this long (generous default: the machine may be loaded). */
  timeoutMs?: number | undefined;
}

/**
 * Run `file` with `args` to its end, asynchronously (a test file is a thread that may be serving
 * a scrape meanwhile), with its output.
 */
export function runProcess(file: string, args: string[], opts: ProcessOptions = {}): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {
      env: opts.env,
      cwd: opts.cwd,
      stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
    if (child.stdin) {
      child.stdin.on('error', () => {}); // a program that exits without reading its input
      child.stdin.end(opts.input);
    }
  });
}

/**
 * Poll `url` until it answers 2xx. Fails at once when `child` exits, else after `timeoutMs`
 * (generous: a loaded machine starts a Go binary slowly), with the child's output and what the
 * last poll got (an HTTP status or the error; each poll gives up after 5 s, so one hung request
 * cannot hold the wait).
 */
export async function untilReady(
  child: ChildProcess,
  url: string,
  opts: { what: string; output: () => string; timeoutMs?: number },
): Promise<void> {
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const state = await eventually(
    async () => {
      if (exited(child)) return 'exited';
      const r = await fetch(url, { signal: AbortSignal.timeout(5000) });
      if (!r.ok) throw new Error(`HTTP ${r.status}`);
      return 'ready';
    },
    timeoutMs,
    `${opts.what} to be ready`,
    200,
  ).catch((err: Error) => err);
  if (state === 'exited')
    throw new Error(`${opts.what} exited ${child.exitCode ?? child.signalCode}: ${opts.output()}`);
  if (state instanceof Error)
    throw new Error(`${opts.what} not ready after ${timeoutMs / 1000} s (${state.message}): ${opts.output()}`);
}

/** SIGTERM, then SIGKILL if it has not exited after `graceMs`. */
export async function stopChild(child: ChildProcess, graceMs: number): Promise<void> {
  if (exited(child)) return;
  const gone = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await Promise.race([gone, new Promise((r) => setTimeout(r, graceMs))]);
  if (!exited(child)) child.kill('SIGKILL');
}

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** Where scripts/compile-tests.mjs puts the compiled tests (`npm test` runs those). */
const COMPILED = join(ROOT, '.cache', 'test-js');

/**
 * node's arguments to run a test worker written in TypeScript (a `fixtures/*.ts` file): its
 * compiled copy when this test runs compiled (`npm test`: no tsx in this process), which starts
 * in a third of the CPU time, else the source through tsx (`npx ava test/x.test.ts`).
 */
export function workerArgs(tsFile: string): string[] {
  if (process.execArgv.some((a) => /(^|=)tsx$/.test(a))) return ['--import', 'tsx', tsFile];
  return ['--enable-source-maps', join(COMPILED, relative(ROOT, tsFile)).replace(/\.ts$/, '.js')];
}
