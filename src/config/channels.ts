/**
 * Strict channel config checks. Every error names the full key
 * (`alerts.channels.<name>.<key>`) and what is expected.
 */
import type { SecretValue } from '../../config/schema.js';

export class ChannelConfigError extends Error {}

/** Reads typed fields from one channel's raw config, collecting the first error per key. */
export class Checker {
  readonly errors: string[] = [];
  constructor(readonly prefix: string, readonly raw: Record<string, unknown>) {}

  private fail(key: string, msg: string): undefined {
    this.errors.push(`${this.prefix}.${key}: ${msg}`);
    return undefined;
  }

  private at(key: string): unknown {
    let v: unknown = this.raw;
    for (const part of key.split('.')) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[part] : undefined;
    return v;
  }

  /** Reject keys this channel does not know (typos must not be silently ignored). */
  only(allowed: string[], under?: string): void {
    const obj = under ? this.at(under) : this.raw;
    if (!obj || typeof obj !== 'object') return;
    for (const k of Object.keys(obj)) if (!allowed.includes(k)) this.fail(under ? `${under}.${k}` : k, `unknown key (known: ${allowed.join(', ')})`);
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
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) return this.fail(key, `must be an integer from ${min} to ${max}`) ?? def;
    return v;
  }

  oneOf<T extends string>(key: string, values: readonly T[], def: T): T {
    const v = this.at(key);
    if (v === undefined) return def;
    if (typeof v !== 'string' || !values.includes(v as T)) return this.fail(key, `must be one of ${values.join(', ')}`) ?? def;
    return v as T;
  }

  secret(key: string, opts: { required?: boolean } = {}): SecretValue | undefined {
    const v = this.at(key);
    if (v === undefined || v === null) return opts.required ? this.fail(key, 'required (a string or {"source": "env"|"file", "id": "…"})') : undefined;
    if (typeof v === 'string' && v.length > 0) return v;
    const r = v as Record<string, unknown>;
    if (r && typeof r === 'object' && (r.source === 'env' || r.source === 'file') && typeof r.id === 'string' && r.id.length > 0) {
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
    if (!v || typeof v !== 'object' || Array.isArray(v)) return this.fail(key, 'must be an object of header -> value') ?? {};
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
        if (u.protocol !== 'http:' && u.protocol !== 'https:') return this.fail(key, 'must be an http:// or https:// URL');
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

/** A URL safe to print: scheme and host only (paths and queries often embed tokens). */
export function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname === '/' ? '/' : '/…'}`;
  } catch {
    return '(invalid URL)';
  }
}
