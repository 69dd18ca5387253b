/**
 * Plain-node request/response helpers. The model endpoints run on bare node objects so
 * the hot path can skip express's router (see app.ts `handler`); express routes call the
 * same functions with express objects, which extend these.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** A request after the JSON body reader ran. */
export type GatewayRequest = IncomingMessage & { body?: unknown };
/** The response the handlers write to. */
export type GatewayResponse = ServerResponse;

/** One request header as a string (first value of a repeated header). */
export function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** Send `body` as JSON with `status`. */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.setHeader('content-length', Buffer.byteLength(text));
  res.end(text);
}

/** Send text with a status and extra headers. */
export function sendText(res: ServerResponse, status: number, text: string, headers: Record<string, string>): void {
  res.statusCode = status;
  for (const k in headers) res.setHeader(k, headers[k] as string);
  res.end(text);
}
