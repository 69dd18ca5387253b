/** Child processes the tests start (Prometheus, Alertmanager): wait until ready, stop for sure. */
import type { ChildProcess } from 'node:child_process';
import { eventually } from './wait.js';

const exited = (c: ChildProcess) => c.exitCode !== null || c.signalCode !== null;

/**
 * Poll `url` until it answers 2xx. Fails at once when `child` exits, else after `timeoutMs`
 * (generous: a loaded machine starts a Go binary slowly), with the child's output.
 */
export async function untilReady(
  child: ChildProcess,
  url: string,
  opts: { what: string; output: () => string; timeoutMs?: number },
): Promise<void> {
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const state = await eventually(
    async () => (exited(child) ? 'exited' : (await fetch(url)).ok && 'ready'),
    timeoutMs,
    `${opts.what} to be ready`,
    200,
  ).catch(() => 'timeout');
  if (state === 'exited')
    throw new Error(`${opts.what} exited ${child.exitCode ?? child.signalCode}: ${opts.output()}`);
  if (state !== 'ready') throw new Error(`${opts.what} not ready after ${timeoutMs / 1000} s: ${opts.output()}`);
}

/** SIGTERM, then SIGKILL if it has not exited after `graceMs`. */
export async function stopChild(child: ChildProcess, graceMs: number): Promise<void> {
  if (exited(child)) return;
  const gone = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await Promise.race([gone, new Promise((r) => setTimeout(r, graceMs))]);
  if (!exited(child)) child.kill('SIGKILL');
}
