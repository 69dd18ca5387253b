/**
 * The gateway under test: a real gateway on port 0 over a temp state dir, a JSON POST helper,
 * and canary secrets that must never show up in any output.
 */
import type { AiproConfig } from '../../src/config/schema.js';
import { createGateway, type Gateway } from '../../src/gateway/app.js';
import type { FreshnessOptions } from '../../src/gateway/file-watch.js';
import { configFrom } from './config.js';
import { captureLog } from './log.js';
import { serve } from './net.js';
import { tempHome, type TempHome } from './tmp.js';
import { eventually } from './wait.js';

export interface TestGateway {
  home: TempHome;
  gateway: Gateway;
  url: string;
  /** Every log line the gateway wrote, as JSON (see captureLog). */
  logs: string[];
  config: AiproConfig;
  env: Record<string, string>;
  /** Stop this gateway instance (the state dir stays until `cleanup`). */
  stop(): Promise<void>;
  /** A second instance over the same state dir (a restart). */
  restart(): Promise<TestGateway>;
  cleanup(): Promise<void>;
}

/** A gateway on port 0 over a fresh temp home with `store` as the main agent's store. */
export async function startTestGateway(opts: {
  config: Record<string, unknown>;
  store?: unknown;
  env?: Record<string, string>;
  token?: string;
  home?: TempHome;
  /** How the gateway watches its files (default: the real watch and clock). */
  freshness?: FreshnessOptions;
  /** Delay of batched bookkeeping writes (default 20 ms). */
  flushMs?: number;
}): Promise<TestGateway> {
  const home = opts.home ?? tempHome();
  if (opts.store && !opts.home) home.writeStore(opts.store);
  const env = { ...home.env, ...(opts.env ?? {}) };
  const config = configFrom(opts.config, env);
  const log = captureLog();
  const gateway = createGateway({
    config,
    env,
    log,
    flushMs: opts.flushMs ?? 20,
    ...(opts.token ? { token: opts.token } : {}),
    ...(opts.freshness ? { freshness: opts.freshness } : {}),
  });
  const served = await serve(gateway.handler);
  const stop = async () => {
    await served.close();
    await gateway.close();
  };
  return {
    home,
    gateway,
    url: served.url,
    logs: log.lines,
    config,
    env,
    stop,
    restart: async () => {
      await stop();
      return startTestGateway({ ...opts, home });
    },
    cleanup: async () => {
      await stop().catch(() => undefined);
      home.cleanup();
    },
  };
}

/** POST JSON to the gateway; returns status, headers and the raw text. */
export async function post(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Headers; text: string; json: any }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {
    // SSE or text
  }
  return { status: res.status, headers: res.headers, text, json };
}

/**
 * Poll the gateway's /metrics until `line` matches; returns the last text either way, so the
 * caller's assertion shows what was there.
 */
export async function metricsMatching(gatewayUrl: string, line: RegExp, timeoutMs = 30_000): Promise<string> {
  let text = '';
  const matches = async () => {
    text = await (await fetch(`${gatewayUrl}/metrics`)).text();
    return line.test(text);
  };
  await eventually(matches, timeoutMs, `${line} in /metrics`, 25).catch(() => undefined);
  return text;
}

/** Canary secrets: long, recognisable, never expected in any output. */
export const CANARY = {
  antWork: `sk-ant-api03-CANARYWORK${'a'.repeat(40)}`,
  antDefault: `sk-ant-api03-CANARYDEF${'b'.repeat(40)}`,
  antToken: `sk-ant-oat01-CANARYTOKEN${'c'.repeat(80)}`,
  antEnv: `sk-ant-api03-CANARYENV${'d'.repeat(40)}`,
  oaiKey: `sk-proj-CANARYOPENAI${'e'.repeat(40)}`,
  oauthAccess: `CANARYOAUTHACCESS${'f'.repeat(40)}`,
  oauthRefresh: `CANARYOAUTHREFRESH${'g'.repeat(40)}`,
};

/** The canaries (and `extra` secrets) that appear in `text`: empty when clean. */
export function leaks(text: string, extra: string[] = []): string[] {
  return [...Object.values(CANARY), ...extra].filter((c) => text.includes(c));
}
