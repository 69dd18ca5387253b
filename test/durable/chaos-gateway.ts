/**
 * The gateway side of the chaos test: a real `aipro gateway` process (the built CLI, port 0
 * on loopback) that a worker can SIGKILL and replace at any time, and a client that sends one
 * request over a fresh connection and reports exactly what came back: status, headers, body,
 * whether the body arrived whole, and whether the gateway serving it had been killed by then.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import http, { type IncomingHttpHeaders } from 'node:http';
import { CLI } from '../helpers/cli.js';

/** One gateway process ("generation"); `killed` is set before the SIGKILL is sent. */
export interface Generation {
  n: number;
  child: ChildProcess;
  url: string;
  stdout: string;
  stderr: string;
  killed: boolean;
  exit: { code: number | null; signal: NodeJS.Signals | null } | null;
  exited: Promise<void>;
}

/** Starts, kills and replaces gateway processes; one change at a time. */
export class GatewaySupervisor {
  readonly generations: Generation[] = [];
  private current: Promise<Generation> | null = null;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly env: Record<string, string>,
    private readonly startTimeoutMs = 60_000,
  ) {}

  private spawnOne(): Promise<Generation> {
    const child = spawn(process.execPath, [CLI, 'gateway', '--port', '0', '--log-format', 'json'], {
      env: this.env,
      cwd: this.env.HOME,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const g: Generation = {
      n: this.generations.length,
      child,
      url: '',
      stdout: '',
      stderr: '',
      killed: false,
      exit: null,
      exited: Promise.resolve(),
    };
    this.generations.push(g);
    g.exited = new Promise((resolve) => child.on('close', (code, signal) => resolve(void (g.exit = { code, signal }))));
    child.stderr?.setEncoding('utf8').on('data', (d: string) => (g.stderr += d));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`gateway ${g.n} not listening after ${this.startTimeoutMs} ms; stderr: ${g.stderr}`)),
        this.startTimeoutMs,
      );
      child.stdout?.setEncoding('utf8').on('data', (d: string) => {
        g.stdout += d;
        const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(g.stdout);
        if (m && !g.url) {
          clearTimeout(timer);
          g.url = m[1] as string;
          resolve(g);
        }
      });
      void g.exited.then(() => {
        clearTimeout(timer);
        if (!g.url)
          reject(new Error(`gateway ${g.n} exited before listening (${JSON.stringify(g.exit)}); stderr: ${g.stderr}`));
      });
    });
  }

  /** The serving gateway (waits while one is starting). */
  serving(): Promise<Generation> {
    this.current ??= this.spawnOne();
    return this.current;
  }

  /** SIGKILL the serving gateway and start a new one over the same state dir. */
  restart(): Promise<Generation> {
    const next = this.queue.then(async () => {
      const g = await this.serving();
      g.killed = true;
      g.child.kill('SIGKILL');
      this.current = this.spawnOne();
      return this.current;
    });
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** SIGTERM the serving gateway (a clean stop) and wait for it to exit. */
  async stop(): Promise<Generation> {
    await this.queue;
    const g = await this.serving();
    g.child.kill('SIGTERM');
    await g.exited;
    return g;
  }

  /** Teardown: SIGKILL whatever still runs. */
  killAll(): void {
    for (const g of this.generations) if (!g.exit) g.child.kill('SIGKILL');
  }
}

/** What one client request got. `complete`: a response arrived and its body was read to the end. */
export interface Reply {
  gen: number;
  /** The gateway serving it had been SIGKILLed by the time the outcome was seen. */
  killed: boolean;
  status?: number;
  headers: IncomingHttpHeaders;
  body: string;
  complete: boolean;
  error?: string;
  hung: boolean;
  ms: number;
}

/** POST `body` to `path` on gateway `g` over a new connection; gives up (hung) after `boundMs`. */
export function send(
  g: Generation,
  path: string,
  body: unknown,
  headers: Record<string, string>,
  boundMs: number,
): Promise<Reply> {
  const started = performance.now();
  return new Promise((resolve) => {
    let done = false;
    const out: Reply = { gen: g.n, killed: false, headers: {}, body: '', complete: false, hung: false, ms: 0 };
    const finish = (patch: Partial<Reply>) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve({ ...out, ...patch, killed: g.killed, ms: Math.round(performance.now() - started) });
    };
    const payload = JSON.stringify(body);
    const req = http.request(
      `${g.url}${path}`,
      {
        method: 'POST',
        agent: false,
        headers: {
          'content-type': 'application/json',
          'content-length': String(Buffer.byteLength(payload)),
          ...headers,
        },
      },
      (res) => {
        if (res.statusCode !== undefined) out.status = res.statusCode;
        out.headers = res.headers;
        res.setEncoding('utf8').on('data', (d: string) => (out.body += d));
        res.on('end', () => finish({ complete: res.complete }));
        res.on('error', (err) => finish({ error: err.message }));
        res.on('close', () =>
          finish({
            complete: res.complete,
            ...(res.complete ? {} : { error: 'connection closed before the body ended' }),
          }),
        );
      },
    );
    const timer = setTimeout(() => {
      finish({ hung: true, error: `no complete answer within ${boundMs} ms` });
      req.destroy();
    }, boundMs);
    req.on('error', (err: NodeJS.ErrnoException) => finish({ error: err.code ?? err.message }));
    req.end(payload);
  });
}
