/**
 * Real Prometheus and promtool for integration tests (Debian package `prometheus`).
 * Tests skip with a message when the binaries are missing, unless
 * AIPRO_REQUIRE_INTEGRATION=1 (CI), where a missing binary fails the test.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ExecutionContext } from 'ava';

import { runProcess, stopChild, untilReady } from './child.js';
import { freePort } from './net.js';

/** Absolute path of `name` on PATH (or /usr/bin), or null. */
export function findBinary(name: string): string | null {
  for (const dir of [...(process.env.PATH ?? '').split(':'), '/usr/bin', '/usr/local/bin']) {
    if (dir && existsSync(join(dir, name))) return join(dir, name);
  }
  return null;
}

/**
 * The binary, or null after marking the test skipped-with-a-message (it passes).
 * With AIPRO_REQUIRE_INTEGRATION=1 a missing binary fails the test instead.
 */
export function needBinary(t: ExecutionContext, name: string): string | null {
  const bin = findBinary(name);
  if (bin) return bin;
  if (process.env.AIPRO_REQUIRE_INTEGRATION === '1') {
    t.fail(`${name} is not installed but AIPRO_REQUIRE_INTEGRATION=1 (install the Debian package "prometheus")`);
    return null;
  }
  t.log(`SKIPPED: ${name} not found (install the Debian package "prometheus" to run this test)`);
  t.pass();
  return null;
}

export interface ToolResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Run promtool (or amtool) with `args`, feeding `input` on stdin. Asynchronous: test files run
 * as threads beside others and may serve a Prometheus scrape meanwhile, which a blocked event
 * loop would miss (its series then go stale).
 */
export function promtool(bin: string, args: string[], input?: string): Promise<ToolResult> {
  return runProcess(bin, args, { input: input ?? '' });
}

export interface RunningPrometheus {
  url: string;
  child: ChildProcess;
  /** GET /api/v1/query?query=… → the result vector. */
  query(expr: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]>;
  /** GET /api/v1/<path> → data. */
  api<T = unknown>(path: string): Promise<T>;
  stop(): Promise<void>;
}

/**
 * Start Prometheus scraping `target` (host:port) every 2 seconds as job "aipro", with `ruleFiles`
 * loaded and evaluated every 250 ms, sending its alerts to `opts.alertmanager` (host:port) when
 * given. A test waits for a few evaluations, and each one holds one of the run's test slots, so
 * they are short. The scrapes are not: a scrape's timeout is at most its interval, and a missed
 * scrape makes every series of the target stale at once, so a rule's alert resolves and fires
 * again (the inhibit test saw three notifications instead of one): at 250 ms a loaded machine
 * missed one, at 1 s once in a run under load average 16.
 */
export async function startPrometheus(
  bin: string,
  target: string,
  ruleFiles: string[] = [],
  opts: { alertmanager?: string } = {},
): Promise<RunningPrometheus> {
  const dir = mkdtempSync(join(tmpdir(), 'aipro-prom-'));
  const port = await freePort();
  const config = [
    'global:',
    '  scrape_interval: 2s',
    '  evaluation_interval: 250ms',
    ruleFiles.length ? `rule_files:\n${ruleFiles.map((f) => `  - ${JSON.stringify(f)}`).join('\n')}` : '',
    opts.alertmanager
      ? `alerting:\n  alertmanagers:\n    - static_configs:\n        - targets: [${JSON.stringify(opts.alertmanager)}]`
      : '',
    'scrape_configs:',
    '  - job_name: aipro',
    '    static_configs:',
    `      - targets: [${JSON.stringify(target)}]`,
    '',
  ].join('\n');
  writeFileSync(join(dir, 'prometheus.yml'), config);
  const child = spawn(
    bin,
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let log = '';
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (log += d));
  const url = `http://127.0.0.1:${port}`;
  const api = async <T>(path: string): Promise<T> => {
    const res = await fetch(`${url}/api/v1/${path}`);
    const body = (await res.json()) as { status: string; data: T; error?: string };
    if (body.status !== 'success') throw new Error(`prometheus ${path}: ${body.error}`);
    return body.data;
  };
  try {
    await untilReady(child, `${url}/-/ready`, { what: 'prometheus', output: () => log });
  } catch (err) {
    await stopChild(child, 10_000);
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    url,
    child,
    api,
    query: async (expr) =>
      (
        await api<{ result: { metric: Record<string, string>; value: [number, string] }[] }>(
          `query?query=${encodeURIComponent(expr)}`,
        )
      ).result,
    async stop() {
      await stopChild(child, 10_000);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
