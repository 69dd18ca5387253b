/**
 * Spawning the built `aipro monitor` daemon for tests: JSON logs parsed line by line,
 * the listen port read from the `monitor.listening` event, and a kill on teardown.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { CLI } from '../helpers/cli.js';

export interface LogEvent {
  event: string;
  level: string;
  [k: string]: unknown;
}

export interface SpawnedMonitor {
  child: ChildProcess;
  events: LogEvent[];
  /** Everything written to stdout and stderr (for canary scans). */
  output(): string;
  waitFor(pred: (e: LogEvent) => boolean, timeoutMs?: number, what?: string): Promise<LogEvent>;
  port(): Promise<number>;
  url(path: string): Promise<string>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(): void;
}

/** Start `aipro monitor --log-format json --listen 127.0.0.1:0 …args`. */
export function spawnMonitor(
  env: Record<string, string>,
  args: string[] = [],
  opts: { listen?: string | null } = {},
): SpawnedMonitor {
  const listen =
    opts.listen === undefined ? ['--listen', '127.0.0.1:0'] : opts.listen === null ? [] : ['--listen', opts.listen];
  const child = spawn(process.execPath, [CLI, 'monitor', '--log-format', 'json', ...listen, ...args], {
    env,
    cwd: env.HOME,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const events: LogEvent[] = [];
  const waiters: { pred: (e: LogEvent) => boolean; resolve: (e: LogEvent) => void }[] = [];
  let out = '';
  let buf = '';
  child.stdout?.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr?.setEncoding('utf8').on('data', (d: string) => {
    out += d;
    buf += d;
    let i: number;
    while ((i = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      let e: LogEvent;
      try {
        e = JSON.parse(line) as LogEvent;
      } catch {
        e = { event: 'raw', level: 'info', line };
      }
      events.push(e);
      for (const w of [...waiters]) {
        if (w.pred(e)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(e);
        }
      }
    }
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  const waitFor = (pred: (e: LogEvent) => boolean, timeoutMs = 20_000, what = 'log event'): Promise<LogEvent> => {
    const seen = events.find(pred);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}; output:\n${out}`)), timeoutMs);
      const w = {
        pred,
        resolve: (e: LogEvent) => {
          clearTimeout(timer);
          resolve(e);
        },
      };
      waiters.push(w);
      void exited.then(() => {
        if (waiters.includes(w)) {
          clearTimeout(timer);
          reject(new Error(`monitor exited before ${what}; output:\n${out}`));
        }
      });
    });
  };
  const port = async () =>
    Number(
      String((await waitFor((e) => e.event === 'monitor.listening', 20_000, 'monitor.listening')).address)
        .split(':')
        .pop(),
    );
  return {
    child,
    events,
    output: () => out,
    waitFor,
    port,
    url: async (path) => `http://127.0.0.1:${await port()}${path}`,
    exited,
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}
