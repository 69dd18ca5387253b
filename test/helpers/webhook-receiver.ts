/**
 * A real HTTP receiver for webhook tests (express on port 0): records every request with its
 * raw body and headers, answers with a scripted list of status codes (then 200).
 */
import express from 'express';
import { serve } from './net.js';

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  raw: string;
  status: number;
  json?: unknown;
}

export interface WebhookReceiver {
  url: string;
  requests: ReceivedRequest[];
  /** Status codes answered to the next requests, in order; afterwards 200. */
  script: number[];
  /** Requests answered 2xx. */
  accepted(): ReceivedRequest[];
  /** Delay every answer by this many ms (to test timeouts). */
  delayMs: number;
  /** Never answer (a hung receiver); close() drops the held connections. */
  hang: boolean;
  close(): Promise<void>;
}

export async function startWebhookReceiver(script: number[] = []): Promise<WebhookReceiver> {
  const app = express();
  app.use(express.raw({ type: () => true, limit: '1mb' }));
  const rx: WebhookReceiver = {
    url: '',
    requests: [],
    script: [...script],
    delayMs: 0,
    hang: false,
    accepted: () => rx.requests.filter((r) => r.status >= 200 && r.status < 300),
    close: async () => undefined,
  };
  app.all('/{*path}', (req, res) => {
    const raw = Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '';
    const status = rx.script.length > 0 ? (rx.script.shift() as number) : 200;
    const entry: ReceivedRequest = { method: req.method, path: req.path, headers: req.headers, raw, status };
    try {
      entry.json = JSON.parse(raw);
    } catch {
      // not JSON (ntfy): raw only
    }
    rx.requests.push(entry);
    if (rx.hang) return;
    setTimeout(() => res.status(status).send(status < 300 ? 'ok' : 'nope'), rx.delayMs);
  });
  const served = await serve(app);
  rx.url = `${served.url}`;
  rx.close = served.close;
  return rx;
}
