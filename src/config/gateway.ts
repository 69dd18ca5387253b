/**
 * The gateway's config values and what it refuses at start, declared where the config layer
 * can check them (`config set`, `config validate`, doctor) without loading the gateway.
 */
import { isIP } from 'node:net';
import type { AiproConfig } from './schema.js';

/** The exact command that configures a token (quoted in errors and docs). */
export const TOKEN_SET_COMMAND = `aipro config set gateway.auth.token '{"source":"env","id":"AIPRO_GATEWAY_TOKEN"}'`;

/** `loopback` -> 127.0.0.1, `lan` -> 0.0.0.0, anything else is an address. */
export function bindHost(bind: string): string {
  if (bind === 'loopback' || bind === '') return '127.0.0.1';
  if (bind === 'lan') return '0.0.0.0';
  return bind.replace(/^\[(.*)\]$/, '$1');
}

/** True for 127.0.0.0/8, ::1 and localhost. */
export function isLoopback(host: string): boolean {
  if (host === 'localhost' || host === '::1') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return /^::ffff:127\./i.test(host);
}

const UNITS: Record<string, number> = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 };

/** `10mb`, `512kb`, `1048576` -> bytes; null when not a size. */
export function parseByteSize(text: string): number | null {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)?\s*$/i.exec(text);
  if (!m) return null;
  const n = Math.floor(Number(m[1]) * (UNITS[(m[2] ?? 'b').toLowerCase()] ?? 1));
  return n > 0 && Number.isSafeInteger(n) ? n : null;
}

/** One reason the gateway would not start with the configured bind (flags may still override it). */
export function gatewayProblems(config: Pick<AiproConfig, 'gateway'>): { key: string; detail: string }[] {
  const out: { key: string; detail: string }[] = [];
  const token = config.gateway.auth.token;
  if ((token === null || token === undefined || token === '') && !isLoopback(bindHost(config.gateway.bind))) {
    out.push({
      key: 'gateway.bind',
      detail:
        `"${config.gateway.bind}" listens beyond loopback, which needs gateway.auth.token; set it first with ` +
        `\`${TOKEN_SET_COMMAND}\`, or use loopback`,
    });
  }
  if (parseByteSize(config.gateway.bodyLimit) === null) {
    out.push({ key: 'gateway.bodyLimit', detail: `"${config.gateway.bodyLimit}" is not a size (e.g. 10mb, 512kb)` });
  }
  return out;
}
