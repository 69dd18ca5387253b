/**
 * The one place an alert channel's config is checked: strict, every error names the full key
 * (`alerts.channels.<name>.<key>`) and what is expected. The channel plug-ins build their
 * senders from these settings; `config set`/`validate` and the doctor run the same checks
 * without loading any channel code.
 */
import { assertObjectMap, assertSecretRef } from './formats.js';
import type { AiproConfig, SecretValue } from './schema.js';

export class ChannelConfigError extends Error {}

/** Reads typed fields from one channel's raw config, collecting the first error per key. */
export class Checker {
  readonly errors: string[] = [];
  constructor(
    readonly prefix: string,
    readonly raw: Record<string, unknown>,
  ) {}

  private fail(key: string, msg: string): undefined {
    this.errors.push(`${this.prefix}.${key}: ${msg}`);
    return undefined;
  }

  private at(key: string): unknown {
    let v: unknown = this.raw;
    for (const part of key.split('.'))
      v = v && typeof v === 'object' ? (v as Record<string, unknown>)[part] : undefined;
    return v;
  }

  /** Reject keys this channel does not know (typos must not be silently ignored). */
  only(allowed: string[], under?: string): void {
    const obj = under ? this.at(under) : this.raw;
    if (!obj || typeof obj !== 'object') return;
    for (const k of Object.keys(obj))
      if (!allowed.includes(k)) this.fail(under ? `${under}.${k}` : k, `unknown key (known: ${allowed.join(', ')})`);
  }

  string(key: string, opts: { required?: boolean; def?: string } = {}): string | undefined {
    const v = this.at(key);
    if (v === undefined || v === null) return opts.required ? this.fail(key, 'required') : opts.def;
    if (typeof v !== 'string' || v.trim() === '') return this.fail(key, 'must be a non-empty string');
    return v;
  }

  bool(key: string, def: boolean): boolean {
    const v = this.at(key);
    if (v === undefined) return def;
    if (typeof v !== 'boolean') return this.fail(key, 'must be true or false') ?? def;
    return v;
  }

  int(key: string, def: number, min: number, max: number): number {
    const v = this.at(key);
    if (v === undefined) return def;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max)
      return this.fail(key, `must be an integer from ${min} to ${max}`) ?? def;
    return v;
  }

  oneOf<T extends string>(key: string, values: readonly T[], def: T): T {
    const v = this.at(key);
    if (v === undefined) return def;
    if (typeof v !== 'string' || !values.includes(v as T))
      return this.fail(key, `must be one of ${values.join(', ')}`) ?? def;
    return v as T;
  }

  secret(key: string, opts: { required?: boolean } = {}): SecretValue | undefined {
    const v = this.at(key);
    if (v === undefined || v === null)
      return opts.required ? this.fail(key, 'required (a string or {"source": "env"|"file", "id": "…"})') : undefined;
    if (typeof v === 'string' && v.length > 0) return v;
    const r = v as Record<string, unknown>;
    if (
      r &&
      typeof r === 'object' &&
      (r.source === 'env' || r.source === 'file') &&
      typeof r.id === 'string' &&
      r.id.length > 0
    ) {
      return { source: r.source, id: r.id };
    }
    return this.fail(key, 'must be a string or {"source": "env"|"file", "id": "…"}');
  }

  stringList(key: string): string[] | undefined {
    const v = this.at(key);
    if (!Array.isArray(v) || v.length === 0 || !v.every((x) => typeof x === 'string' && x.trim() !== '')) {
      return this.fail(key, 'must be a non-empty list of strings');
    }
    return v as string[];
  }

  secretMap(key: string): Record<string, SecretValue> {
    const v = this.at(key);
    if (v === undefined) return {};
    if (!v || typeof v !== 'object' || Array.isArray(v))
      return this.fail(key, 'must be an object of header -> value') ?? {};
    const out: Record<string, SecretValue> = {};
    for (const k of Object.keys(v)) {
      if (!/^[A-Za-z0-9-]+$/.test(k)) this.fail(`${key}.${k}`, 'is not a valid header name');
      const s = this.secret(`${key}.${k}`, { required: true });
      if (s !== undefined) out[k] = s;
    }
    return out;
  }

  /** A URL (literal or secret ref); literal URLs are checked now, refs when resolved. */
  url(key: string): SecretValue | undefined {
    const v = this.secret(key, { required: true });
    if (typeof v === 'string') {
      try {
        const u = new URL(v);
        if (u.protocol !== 'http:' && u.protocol !== 'https:')
          return this.fail(key, 'must be an http:// or https:// URL');
      } catch {
        return this.fail(key, 'is not a URL (e.g. https://hooks.example.com/x)');
      }
    }
    return v;
  }

  done(): void {
    if (this.errors.length > 0) throw new ChannelConfigError(this.errors.join('; '));
  }
}

/** `http://<monitor.listen>`, with a wildcard or empty listen host replaced by the alert host. */
export function monitorBaseUrl(listen: string, host: string): string {
  const i = listen.lastIndexOf(':');
  const h = listen.slice(0, i).replace(/^\[|\]$/g, '');
  const name = h === '' || h === '0.0.0.0' || h === '::' ? host : listen.slice(0, i);
  return `http://${name}:${listen.slice(i + 1)}`;
}

export const WEBHOOK_FORMATS = ['aipro', 'alertmanager', 'slack', 'discord', 'ntfy'] as const;
export type WebhookFormat = (typeof WEBHOOK_FORMATS)[number];

/** What the defaults of a channel depend on: the alert host and the monitor's listen address. */
export interface ChannelDefaults {
  host: string;
  listen: string;
}

export interface WebhookSettings {
  url: SecretValue;
  format: WebhookFormat;
  secret: SecretValue | undefined;
  timeoutMs: number;
  headers: Record<string, SecretValue>;
}

export function webhookSettings(name: string, raw: Record<string, unknown>): WebhookSettings {
  const c = new Checker(`alerts.channels.${name}`, raw);
  c.only(['type', 'url', 'format', 'secret', 'timeoutMs', 'headers']);
  const url = c.url('url');
  const format = c.oneOf('format', WEBHOOK_FORMATS, 'aipro');
  const secret = c.secret('secret');
  const timeoutMs = c.int('timeoutMs', 10_000, 100, 300_000);
  const headers = c.secretMap('headers');
  c.done();
  return { url: url as SecretValue, format, secret, timeoutMs, headers };
}

export interface EmailSettings {
  to: string[];
  from: string;
  host: string;
  port: number;
  secure: boolean;
  starttls: 'auto' | 'required' | 'off';
  user: string | undefined;
  pass: SecretValue | undefined;
  ca: string | undefined;
  rejectUnauthorized: boolean;
  timeoutMs: number;
}

export function emailSettings(name: string, raw: Record<string, unknown>, defaults: ChannelDefaults): EmailSettings {
  const prefix = `alerts.channels.${name}`;
  const c = new Checker(prefix, raw);
  c.only(['type', 'to', 'from', 'smtp', 'timeoutMs']);
  c.only(['host', 'port', 'secure', 'starttls', 'user', 'pass', 'ca', 'rejectUnauthorized'], 'smtp');
  const to = c.stringList('to');
  for (const [i, addr] of (to ?? []).entries())
    if (!/^[^\s@]+@[^\s@]+$/.test(addr)) c.errors.push(`${prefix}.to[${i}]: "${addr}" is not a mail address`);
  const from = c.string('from', { def: `aipro@${defaults.host}` }) as string;
  if (raw.smtp === undefined || typeof raw.smtp !== 'object')
    c.errors.push(`${prefix}.smtp: required ({"host": "smtp.example.com", "port": 587})`);
  const host = c.string('smtp.host', { required: true });
  const secure = c.bool('smtp.secure', false);
  const port = c.int('smtp.port', secure ? 465 : 587, 1, 65535);
  const starttls = c.oneOf('smtp.starttls', ['auto', 'required', 'off'] as const, 'auto');
  const user = c.string('smtp.user');
  const pass = c.secret('smtp.pass');
  if (user && pass === undefined) c.errors.push(`${prefix}.smtp.pass: required when smtp.user is set`);
  const ca = c.string('smtp.ca');
  const rejectUnauthorized = c.bool('smtp.rejectUnauthorized', true);
  const timeoutMs = c.int('timeoutMs', 15_000, 100, 300_000);
  c.done();
  return {
    to: to as string[],
    from,
    host: host as string,
    port,
    secure,
    starttls,
    user,
    pass,
    ca,
    rejectUnauthorized,
    timeoutMs,
  };
}

export interface AlertmanagerSettings {
  url: SecretValue;
  timeoutMs: number;
  headers: Record<string, SecretValue>;
  generatorURL: string;
}

export function alertmanagerSettings(
  name: string,
  raw: Record<string, unknown>,
  defaults: ChannelDefaults,
): AlertmanagerSettings {
  const c = new Checker(`alerts.channels.${name}`, raw);
  c.only(['type', 'url', 'timeoutMs', 'headers', 'generatorURL']);
  const url = c.url('url');
  const timeoutMs = c.int('timeoutMs', 10_000, 100, 300_000);
  const headers = c.secretMap('headers');
  const generatorURL = c.string('generatorURL', {
    def: `${monitorBaseUrl(defaults.listen, defaults.host)}/metrics`,
  }) as string;
  c.done();
  return { url: url as SecretValue, timeoutMs, headers, generatorURL };
}

/** Every channel type and its settings check: one line per channel plug-in. */
export const CHANNEL_SETTINGS = {
  email: emailSettings,
  webhook: (name: string, raw: Record<string, unknown>) => webhookSettings(name, raw),
  alertmanager: alertmanagerSettings,
} as const;
export type ChannelType = keyof typeof CHANNEL_SETTINGS;

export function isChannelType(type: unknown): type is ChannelType {
  return typeof type === 'string' && Object.hasOwn(CHANNEL_SETTINGS, type);
}

/** Check one channel; null when it is fine, else the joined errors (each naming its key). */
export function channelProblem(name: string, raw: Record<string, unknown>, defaults: ChannelDefaults): string | null {
  if (!isChannelType(raw.type))
    return `alerts.channels.${name}.type: must be one of ${Object.keys(CHANNEL_SETTINGS).join(', ')}`;
  try {
    CHANNEL_SETTINGS[raw.type](name, raw, defaults);
    return null;
  } catch (err) {
    if (err instanceof ChannelConfigError) return err.message;
    throw err;
  }
}

/** Every configured channel's problems, per channel, in config order. */
export function channelProblems(
  config: Pick<AiproConfig, 'alerts' | 'monitor'>,
): { channel: string; message: string }[] {
  const defaults = { host: config.alerts.hostname || 'localhost', listen: config.monitor.listen };
  const out: { channel: string; message: string }[] = [];
  for (const [name, raw] of Object.entries(config.alerts.channels)) {
    const message = channelProblem(name, raw as Record<string, unknown>, defaults);
    if (message) out.push({ channel: name, message });
  }
  return out;
}

/**
 * The schema-level shape of `alerts.channels` (convict format): enough to load the config.
 * A channel that passes this but fails its settings check above does not stop the other
 * commands; the daemon reports it by key and keeps the other channels.
 */
export function assertChannels(val: unknown): void {
  assertObjectMap(val);
  for (const [name, ch] of Object.entries(val as Record<string, Record<string, unknown>>)) {
    if (!isChannelType(ch.type))
      throw new Error(`${name}.type: must be one of ${Object.keys(CHANNEL_SETTINGS).join(', ')}`);
    if (ch.type === 'email' && !(Array.isArray(ch.to) && ch.to.length > 0))
      throw new Error(`${name}.to: list at least one recipient`);
    if (ch.type !== 'email' && typeof ch.url !== 'string') throw new Error(`${name}.url: required`);
    for (const key of ['secret', 'pass']) {
      const holder = key === 'pass' ? (ch.smtp as Record<string, unknown> | undefined) : ch;
      if (holder && key in holder) {
        try {
          assertSecretRef(holder[key]);
        } catch (e) {
          throw new Error(`${name}.${key === 'pass' ? 'smtp.pass' : key}: ${(e as Error).message}`);
        }
      }
    }
  }
}
