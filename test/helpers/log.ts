/** A logger for tests that keeps every line, so a test can find an event or scan for secrets. */
import type { Logger } from '../../src/log.js';

export interface CapturedLog extends Logger {
  /** One JSON object per line: `{ level, event, ...fields }`. */
  lines: string[];
}

export function captureLog(): CapturedLog {
  const lines: string[] = [];
  const put = (level: string) => (event: string, fields?: Record<string, unknown>) =>
    void lines.push(JSON.stringify({ level, event, ...fields }));
  return { lines, info: put('info'), warn: put('warn'), error: put('error') };
}
