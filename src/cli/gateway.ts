/**
 * `aipro gateway`: the credential-aware model gateway. express, prom-client and the
 * gateway modules load only inside the action (startup speed of every other command).
 */
import type { Command } from 'commander';
import { loadContext } from '../context.js';
import { CliError, EXIT, usageError } from './errors.js';
import { contextOptions, io, setExitCode } from './io.js';

/** Flags of `aipro gateway`. */
export interface GatewayCliOptions {
  port?: string;
  bind?: string;
  logFormat?: string;
}

/** Register `aipro gateway`. */
export function register(program: Command): void {
  program
    .command('gateway')
    .description(
      'run the model gateway: POST /v1/messages, POST /v1/chat/completions, GET /v1/models, /healthz, /readyz, ' +
        '/metrics',
    )
    .option('--port <n>', 'port to listen on (default: gateway.port = 18789; 0 picks a free one)')
    .option(
      '--bind <where>',
      'loopback, lan (all interfaces) or an address (default: gateway.bind = loopback); beyond loopback ' +
        'gateway.auth.token is required',
    )
    .option('--log-format <format>', 'text or json log lines on stderr', 'text')
    .addHelpText(
      'after',
      `
Clients choose the session with X-Aipro-Session (or the request's user field) and the agent
with X-Aipro-Agent. "/model" chat commands are answered by the gateway (docs/gateway.md).

Exit codes: 0 stopped cleanly (SIGTERM/SIGINT) · 1 could not start (no token beyond loopback,
port in use, bad config, the postgres store cannot be opened) · 64 usage

Examples:
  aipro gateway                                   # 127.0.0.1:18789
  aipro gateway --port 8080
  aipro config set gateway.auth.token '{"source":"env","id":"AIPRO_GATEWAY_TOKEN"}'
  AIPRO_GATEWAY_TOKEN=… aipro gateway --bind lan  # all interfaces, bearer token required
  curl -s localhost:18789/v1/messages -H 'content-type: application/json' \\
    -d '{"model":"sonnet","max_tokens":64,"messages":[{"role":"user","content":"/model status"}]}'`,
    )
    .action(async (opts: GatewayCliOptions) => {
      setExitCode(await runGateway(opts));
    });
}

function parsePort(flag: string | undefined, fallback: number): number {
  if (flag === undefined) return fallback;
  const n = Number(flag);
  if (!/^\d+$/.test(flag) || n > 65535) throw usageError(`--port must be a port number 0-65535, got "${flag}"`);
  return n;
}

/** Run until SIGTERM/SIGINT; returns the exit code. */
export async function runGateway(opts: GatewayCliOptions): Promise<number> {
  if (opts.logFormat !== undefined && opts.logFormat !== 'text' && opts.logFormat !== 'json')
    throw usageError(`--log-format must be text or json, got "${opts.logFormat}"`);
  const ctx = loadContext(contextOptions());
  const port = parsePort(opts.port, ctx.config.gateway.port);
  const { bindHost, checkBind } = await import('../gateway/security.js');
  const host = bindHost(opts.bind ?? ctx.config.gateway.bind);
  const check = checkBind(ctx.config, ctx.env, host);
  if (!check.ok) throw new CliError(check.message);
  const { parseByteSize } = await import('../gateway/body.js');
  if (parseByteSize(ctx.config.gateway.bodyLimit) === null) {
    throw new CliError(
      `gateway.bodyLimit "${ctx.config.gateway.bodyLimit}" is not a size (e.g. 10mb, 512kb); fix it with \`aipro ` +
        `config set gateway.bodyLimit 10mb\``,
    );
  }
  const { startGateway } = await import('../gateway/server.js');
  // The monitor's logger: one line format (logfmt-style text or JSON) for every aipro daemon.
  const { createLogger } = await import('../log.js');
  const log = createLogger({ format: opts.logFormat === 'json' ? 'json' : 'text' });
  const { openGatewayStore } = await import('../gateway/store.js');
  let store: Awaited<ReturnType<typeof openGatewayStore>>;
  try {
    store = await openGatewayStore(ctx.config, ctx.env);
  } catch (err) {
    throw new CliError(`cannot open the ${ctx.config.store.backend} auth store: ${(err as Error).message}`);
  }
  const started = await startGateway({ config: ctx.config, env: ctx.env, host, port, token: check.token, log, store });
  if (!started.ok) {
    const why =
      started.code === 'EADDRINUSE'
        ? `port ${port} is in use (pick another with --port, or stop what holds it)`
        : started.code === 'EADDRNOTAVAIL'
          ? `${host} is not an address of this host (use --bind loopback, lan or a local address)`
          : started.detail;
    throw new CliError(`aipro gateway could not listen on ${host}:${port}: ${why}`);
  }
  const { running } = started;
  // Handlers first: a supervisor may stop the gateway the moment it reads the listening line,
  // and a SIGTERM before them would kill it without writing its pending bookkeeping.
  const stopped = new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      log.info('gateway.stopping', { signal });
      void running.stop().then(resolve, resolve);
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
  log.info('gateway.listening', {
    url: running.url,
    agent: ctx.config.agents.default,
    store: ctx.config.store.backend,
    model: ctx.config.models.default,
    auth: check.token ? 'bearer token required' : 'none (loopback)',
  });
  io().stdout.write(`aipro gateway listening on ${running.url}\n`);
  await stopped;
  return EXIT.OK;
}
