/**
 * A real Alertmanager (Debian `prometheus-alertmanager`) on free ports with a temp storage
 * dir and a minimal config. `findAlertmanager()` returns null when it is not installed, so
 * tests skip — unless AIPRO_REQUIRE_INTEGRATION=1.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stopChild, untilReady } from './child.js';
import { freePort } from './net.js';

const CANDIDATES = ['/usr/bin/prometheus-alertmanager', '/usr/local/bin/alertmanager', '/usr/bin/alertmanager'];

export function findAlertmanager(): string | null {
  return CANDIDATES.find((p) => existsSync(p)) ?? null;
}

export interface RunningAlertmanager {
  url: string;
  close(): Promise<void>;
  /** GET /api/v2/alerts (active, silenced, inhibited, unprocessed) — resolved ones drop out. */
  alerts(filter?: string): Promise<
    Array<{
      labels: Record<string, string>;
      annotations: Record<string, string>;
      startsAt: string;
      endsAt: string;
      status: { state: string; inhibitedBy?: string[] };
    }>
  >;
  log(): string;
}

/** Start Alertmanager with `config` (YAML; default: one receiver that sends nowhere). */
export async function startAlertmanager(
  bin: string,
  config = 'route:\n  receiver: "null"\n  group_wait: 1s\nreceivers:\n  - name: "null"\n',
): Promise<RunningAlertmanager> {
  const dir = mkdtempSync(join(tmpdir(), 'aipro-am-'));
  const cfg = join(dir, 'alertmanager.yml');
  writeFileSync(cfg, config);
  const port = await freePort();
  const clusterPort = await freePort();
  let out = '';
  const child: ChildProcess = spawn(
    bin,
    [
      `--config.file=${cfg}`,
      `--storage.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      `--cluster.listen-address=`,
      `--cluster.advertise-address=127.0.0.1:${clusterPort}`,
      '--log.level=info', // shown only when it fails to start: where it stopped
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const url = `http://127.0.0.1:${port}`;
  const close = async () => {
    await stopChild(child, 5000);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await untilReady(child, `${url}/-/ready`, { what: 'alertmanager', output: () => out.slice(-2000) });
  } catch (err) {
    await close();
    throw err;
  }
  return {
    url,
    close,
    log: () => out,
    async alerts(filter) {
      const q = filter ? `?filter=${encodeURIComponent(filter)}` : '';
      const r = await fetch(`${url}/api/v2/alerts${q}`);
      return (await r.json()) as Awaited<ReturnType<RunningAlertmanager['alerts']>>;
    },
  };
}
