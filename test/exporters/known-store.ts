/**
 * A known set of stores at a fixed clock, shared by the golden `.prom` test, the promtool
 * checks and the Prometheus scrape test. Secrets are canaries: they must never show up.
 */
import { loadConfig } from '../../src/config/load.js';
import type { AiproConfig } from '../../src/config/schema.js';
import type { TempHome } from '../helpers/tmp.js';

/** 2026-01-15T00:00:00Z */
export const NOW = Date.UTC(2026, 0, 15);
const H = 3_600_000;
const D = 24 * H;

export const CANARIES = {
  apiKey: 'sk-ant-api03-CANARYapikey0000000000000000000000000000000000000000000000000000000000001',
  manual: `sk-ant-oat01-CANARYmanual${'m'.repeat(80)}`,
  soon: `sk-ant-oat01-CANARYsoon${'s'.repeat(80)}`,
  old: `sk-ant-oat01-CANARYold${'o'.repeat(80)}`,
  zero: `sk-ant-oat01-CANARYzero${'z'.repeat(80)}`,
  access: 'CANARYaccess-token-0123456789abcdef',
  refresh: 'CANARYrefresh-token-0123456789abcdef',
  openaiBad: 'sk-proj-CANARYbad000000000000000000000000000000',
  ci: 'sk-proj-CANARYci0000000000000000000000000000000',
  env: 'sk-proj-CANARYenv00000000000000000000000000000',
};

export function mainStore(now = NOW) {
  return {
    version: 1,
    profiles: {
      'anthropic:default': { type: 'api_key', provider: 'anthropic', key: CANARIES.apiKey },
      'anthropic:manual': { type: 'token', provider: 'anthropic', token: CANARIES.manual, expires: now + 3 * D },
      'anthropic:soon': { type: 'token', provider: 'anthropic', token: CANARIES.soon, expires: now + 2 * H },
      'anthropic:old': { type: 'token', provider: 'anthropic', token: CANARIES.old, expires: now - 2 * D },
      'anthropic:zero': { type: 'token', provider: 'anthropic', token: CANARIES.zero, expires: 0 },
      'openai-codex:me@example.com': {
        type: 'oauth',
        provider: 'openai-codex',
        access: CANARIES.access,
        refresh: CANARIES.refresh,
        expires: now + H,
        email: 'me@example.com',
      },
      'openai:bad': { type: 'api_key', provider: 'openai', key: CANARIES.openaiBad },
    },
    usageStats: {
      // Quota from the probe's rate-limit headers; the provider's clock 5 minutes ahead.
      'anthropic:default': {
        lastProbe: {
          at: now - 60_000,
          ok: true,
          reason: 'ok',
          httpStatus: 200,
          latencyMs: 230,
          clockSkewMs: 300_000,
          quota: [
            { window: 'requests', utilization: 82, resetsAt: now + 30 * 60_000 },
            { window: 'tokens', utilization: 10 },
          ],
        },
      },
      // Quota the gateway saw: a spent 5h window (legacy provider name), a 7d window, and one whose reset passed (left
      // out).
      'openai-codex:me@example.com': {
        lastProbe: { at: now - 60_000, ok: false, reason: 'timeout', latencyMs: 8000 },
        quota: {
          at: now - 30_000,
          windows: [
            { window: 'primary', minutes: 300, utilization: 100, resetsAt: now + 2 * H },
            { window: '7d', utilization: 40.5, resetsAt: now + 3 * D },
            { window: 'secondary', utilization: 99, resetsAt: now - 1000 },
          ],
        },
      },
      'openai:bad': {
        cooldownUntil: now + 5 * 60_000,
        lastProbe: { at: now - 60_000, ok: false, reason: 'auth', httpStatus: 401, latencyMs: 120 },
      },
    },
  };
}

export function opsStore(now = NOW) {
  return {
    version: 1,
    profiles: { 'openai:ci': { type: 'token', provider: 'openai', token: CANARIES.ci, expires: now + 10 * D } },
  };
}

/** Write both stores into `home`; returns the env the monitor runs with (one env credential). */
export function writeKnownStores(home: TempHome, now = NOW): Record<string, string> {
  home.writeStore(mainStore(now), 'main');
  home.writeStore(opsStore(now), 'ops');
  return { ...home.env, OPENAI_API_KEY: CANARIES.env };
}

/** The config of the HOME in `env` as the loader reads it (the defaults on a fresh HOME). */
export function homeConfig(env: Record<string, string>): AiproConfig {
  const c = loadConfig(env);
  if (!c.ok) throw new Error(`config: ${c.key}: ${c.detail}`);
  return c.config;
}

/** Assert no canary secret (or a long piece of one) appears in `text`. */
export function findCanary(text: string): string | null {
  for (const [name, secret] of Object.entries(CANARIES)) {
    if (text.includes(secret) || text.includes(secret.slice(0, 24)) || text.includes(secret.slice(-24))) return name;
  }
  return text.includes('CANARY') ? 'CANARY' : null;
}
