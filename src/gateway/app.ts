/**
 * The gateway's express app: `POST /v1/messages`, `POST /v1/chat/completions`,
 * `GET /v1/models`, `/healthz`, `/metrics`. Built from a config and env (no globals), so
 * tests create as many as they like on port 0 against temp state dirs.
 */
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import express, { type NextFunction, type Request, type Response } from 'express';
import { Registry } from 'prom-client';
import { createGatewayMetrics } from '../../exporters/prometheus/gateway-metrics.js';
import type { AiproConfig } from '../config/schema.js';
import type { Env } from '../store/paths.js';
import { VERSION } from '../version.js';
import { APIS, type ClientApi } from './apis/index.js';
import { configuredModels } from './candidates.js';
import { apiHandler, sendApiError } from './handler.js';
import { sendJson } from './http.js';
import { modelsList } from './models-list.js';
import { ensureRequestId } from './own-headers.js';
import { agentResolver, silentLogger, type GatewayLogger, type Refresher, type Runtime } from './runtime.js';
import { presentedToken, tokenMatches } from './security.js';
import { UsageWriter } from './usage-writer.js';
import type { FreshnessOptions } from './file-watch.js';
import { AgentState } from './agent-state.js';
import { defaultRefresher } from './refresh.js';
import { jsonBody, parseByteSize } from './body.js';
import { metricsHandler } from '../../exporters/prometheus/app.js';
import { fileBackend } from '../store/backends/file.js';
import { notReadyReason, registerStoreGauge, watchStoreHealth, type GatewayBackend } from './store.js';

/** What a gateway is built from (no globals: tests build many). */
export interface GatewayOptions {
  config: AiproConfig;
  env: Env;
  /** Client bearer token (resolved `gateway.auth.token`); null/undefined: none required. */
  token?: string | null;
  now?: () => number;
  log?: GatewayLogger;
  /**
   * The process registry (`createMetrics()` of exporters/prometheus/registry.ts); the gateway adds its metrics to it.
   */
  registry?: Registry;
  refresh?: Refresher;
  /** Delay before batched success bookkeeping is written (ms). */
  flushMs?: number;
  /** Where auth stores live (default: this host's files). The caller closes a backend it passes. */
  store?: GatewayBackend;
  /** How store and sessions files are watched for changes (tests: a clock, no watch). */
  freshness?: FreshnessOptions;
}

/** A built gateway: the express app, the listener to serve, and its shutdown hook. */
export interface Gateway {
  app: express.Express;
  /**
   * The request listener to serve (`http.createServer(handler)`): model POSTs go straight
   * to their handler (express's router costs more per request than the gateway's own
   * work); everything else goes through `app`.
   */
  handler: (req: IncomingMessage, res: ServerResponse) => void;
  runtime: Runtime;
  /** Write pending bookkeeping; call before the process exits. */
  close(): Promise<void>;
}

/** Which API's error format a path gets (by URL; works on bare node requests too). */
function apiFor(url: string | undefined, headers: IncomingHttpHeaders): ClientApi {
  const path = (url ?? '/').split('?')[0] as string;
  return path.startsWith('/v1/chat') || (path === '/v1/models' && !headers['anthropic-version'])
    ? APIS.openai
    : APIS.anthropic;
}

/** Build the gateway (routes, token check, metrics, bookkeeping). Does not listen. */
export function createGateway(opts: GatewayOptions): Gateway {
  const { config, env } = opts;
  const log = opts.log ?? silentLogger;
  const metrics = createGatewayMetrics(opts.registry ?? new Registry(), configuredModels(config));
  const registry = metrics.registry;
  const store = opts.store ?? fileBackend(env, config.agents.default);
  const usage = new UsageWriter(store, {
    ...(opts.flushMs !== undefined ? { flushMs: opts.flushMs } : {}),
    onError: (err, where) => log.error('gateway.usage_write_failed', { path: where, error: (err as Error).message }),
    // The overlay shows a batch until the store is read again with it, off the event loop.
    onWritten: (agent) => (agent instanceof AgentState ? agent.reload() : undefined),
  });
  const now = opts.now ?? (() => Date.now());
  const agents = agentResolver(config, env, store, opts.freshness);
  const refresh = opts.refresh ?? defaultRefresher(config, env, now, store);
  const runtime: Runtime = {
    config,
    env,
    now,
    log,
    usage,
    metrics,
    // A refresh saves new tokens in the store: the next request reads them without waiting for the notice.
    refresh: (agent, id, o) => refresh(agent, id, o).finally(() => agent.storeChanged()),
    store,
    agent: agents,
  };
  registerStoreGauge(registry, store, () => agents.all());
  // Unref'd: it never keeps the process alive, and it outlives close() (a flush, not a stop).
  watchStoreHealth(store, log);

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok', version: VERSION });
  });
  // Ready while the auth store can be read and written; degraded fleet store: 503 with the reason.
  app.get('/readyz', (_req, res) => {
    const why = notReadyReason(store, config, now());
    res
      .status(why ? 503 : 200)
      .type('text/plain')
      .send(why ? `not ready: ${why}\n` : 'ready\n');
  });
  const token = opts.token ?? null;
  const authorized = (req: IncomingMessage) => token === null || tokenMatches(presentedToken(req.headers), token);
  const deny = (req: IncomingMessage, res: ServerResponse) => {
    res.setHeader('www-authenticate', 'Bearer realm="aipro-gateway"');
    sendApiError(
      runtime,
      apiFor(req.url, req.headers),
      res,
      401,
      'unauthorized',
      'missing or wrong gateway token: send `Authorization: Bearer <gateway.auth.token>` (or x-api-key)',
      performance.now(),
    );
  };
  const fail = (err: Error & { status?: number; type?: string }, req: IncomingMessage, res: ServerResponse) => {
    const api = apiFor(req.url, req.headers);
    if (err.type === 'entity.too.large') {
      return sendApiError(
        runtime,
        api,
        res,
        413,
        'too_large',
        `request body is larger than gateway.bodyLimit (${config.gateway.bodyLimit}); raise it with \`aipro config ` +
          `set gateway.bodyLimit 20mb\``,
        performance.now(),
      );
    }
    if (err.status && err.status >= 400 && err.status < 500) {
      return sendApiError(
        runtime,
        api,
        res,
        err.status,
        'bad_request',
        `the request body is not valid JSON (${err.type ?? 'parse error'})`,
        performance.now(),
      );
    }
    if (res.headersSent) {
      log.error('gateway.internal_error', { path: (req.url ?? '').split('?')[0], error: err.message });
      return res.destroy();
    }
    log.error('gateway.internal_error', {
      request_id: ensureRequestId(api, res),
      path: (req.url ?? '').split('?')[0],
      error: err.message,
    });
    sendJson(
      res,
      500,
      api.errorBody(
        500,
        'internal',
        'aipro gateway hit an internal error; see the gateway log (journalctl -u aipro-gateway)',
      ),
    );
  };
  if (token !== null) {
    app.use((req, res, next) => (authorized(req) ? next() : deny(req, res)));
  }
  app.get('/metrics', metricsHandler({ registry }));
  app.get('/v1/models', (req, res) => {
    ensureRequestId(apiFor(req.url, req.headers), res);
    res.json(modelsList(config, req.get('anthropic-version') ? 'anthropic' : 'openai'));
  });
  const limit = parseByteSize(config.gateway.bodyLimit);
  if (limit === null)
    throw new Error(
      `gateway.bodyLimit "${config.gateway.bodyLimit}" is not a size; set it with \`aipro config set ` +
        `gateway.bodyLimit 10mb\``,
    );
  const json = jsonBody(limit);
  const routes = new Map(Object.values(APIS).map((api) => [api.route, apiHandler(runtime, api)]));
  for (const [route, h] of routes) app.post(route, json, h);
  app.use((req: Request, res: Response) => {
    sendApiError(
      runtime,
      apiFor(req.url, req.headers),
      res,
      404,
      'not_found',
      `no route ${req.method} ${req.path}: the gateway serves POST /v1/messages, POST /v1/chat/completions, GET ` +
        `/v1/models, /healthz, /readyz, /metrics`,
      performance.now(),
    );
  });
  app.use((err: Error & { status?: number; type?: string }, req: Request, res: Response, _next: NextFunction) =>
    fail(err, req, res),
  );

  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const h = req.method === 'POST' ? routes.get(req.url ?? '') : undefined;
    if (!h) return void app(req as Request, res as Response);
    if (!authorized(req)) return deny(req, res);
    json(req, res, (err?: unknown) => {
      if (err) return fail(err as Error, req, res);
      h(req, res).catch((e: Error) => fail(e, req, res));
    });
  };
  const close = async () => {
    for (const a of agents.all()) a.close();
    await usage.flush();
  };
  return { app, handler, runtime, close };
}
