/**
 * The one logger (daemon, gateway, CLI): structured one-line logs, `text` (logfmt-like, for
 * people and journald) or `json` (one object per line, for log shippers). Fields are ours
 * (ids, counts, reasons, details from the status function); a secret is never passed in.
 */

export interface Logger {
  info(event: string, fields?: Record<string, unknown>): void;
  warn(event: string, fields?: Record<string, unknown>): void;
  error(event: string, fields?: Record<string, unknown>): void;
}

export type LogFormat = 'text' | 'json';
export const LOG_FORMATS: readonly LogFormat[] = ['text', 'json'];

type Level = 'info' | 'warn' | 'error';

export interface LoggerOptions {
  format: LogFormat;
  /** Where lines go (default: stderr, so `--once` keeps stdout for its summary). */
  write?: (line: string) => void;
  now?: () => number;
}

function textValue(v: unknown): string {
  if (v === undefined || v === null) return '""';
  const s = typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : JSON.stringify(v);
  // Quote anything a logfmt reader would split on; JSON.stringify also escapes newlines.
  return s === '' || /[\s"=\\]/.test(s) || /[\u0000-\u001f\u007f]/.test(s) ? JSON.stringify(s) : s;
}

/** One log line (without the newline). Pure. */
export function formatLine(
  format: LogFormat,
  time: number,
  level: Level,
  event: string,
  fields: Record<string, unknown> = {},
): string {
  const ts = new Date(time).toISOString();
  if (format === 'json') return JSON.stringify({ time: ts, level, event, ...fields });
  const rest = Object.entries(fields)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${textValue(v)}`);
  return [ts, level, event, ...rest].join(' ');
}

/** A logger writing one line per event. */
export function createLogger(opts: LoggerOptions): Logger {
  const write = opts.write ?? ((line: string) => process.stderr.write(`${line}\n`));
  const now = opts.now ?? Date.now;
  const emit = (level: Level) => (event: string, fields?: Record<string, unknown>) => {
    try {
      write(formatLine(opts.format, now(), level, event, fields));
    } catch {
      // A closed stderr (EPIPE) must not take the process down.
    }
  };
  return { info: emit('info'), warn: emit('warn'), error: emit('error') };
}
