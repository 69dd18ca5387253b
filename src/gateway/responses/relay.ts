/**
 * Relaying a Responses API stream to a Chat Completions client. A streaming client gets
 * each translated chunk as soon as its upstream event has arrived (headers flushed first,
 * upstream paused while the client is slow); a JSON client gets one `chat.completion`
 * once the upstream stream has ended.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { replyId, sse } from '../apis/types.js';
import { ResponsesToChat, type ChatStreamItem } from './events.js';
import { SseParser, type SseEvent } from './sse.js';

export interface RelayOptions {
  stream: boolean;
  includeUsage: boolean;
  /** The model the request was sent for. */
  model: string;
  /** Redacts secrets from upstream error text before a client sees it. */
  clean: (s: string) => string;
}

/** Parsed event data; the `event:` name stands in for a missing `type`. */
function eventJson(e: SseEvent): unknown {
  try {
    const j = JSON.parse(e.data) as unknown;
    if (j && typeof j === 'object' && !Array.isArray(j) && (j as { type?: unknown }).type === undefined && e.event)
      return { ...j, type: e.event };
    return j;
  } catch {
    return null;
  }
}

/** Translate `up` (a 2xx Responses SSE stream) onto `res` (status and gateway headers already set). */
export function relayResponsesAsChat(up: IncomingMessage, res: ServerResponse, o: RelayOptions): void {
  const tr = new ResponsesToChat({
    model: o.model,
    fallbackId: `chatcmpl-aipro-${replyId()}`,
    nowS: Math.floor(Date.now() / 1000),
    includeUsage: o.includeUsage,
  });
  const parser = new SseParser();
  const translate = (events: SseEvent[]): ChatStreamItem[] => events.flatMap((e) => tr.push(eventJson(e)));
  up.setEncoding('utf8');
  if (!o.stream) {
    up.on('data', (chunk: string) => translate(parser.feed(chunk)));
    up.on('end', () => {
      translate(parser.end());
      tr.end();
      const r = tr.result();
      const text = r.ok ? JSON.stringify(r.completion) : o.clean(JSON.stringify(r.error.body));
      if (!r.ok) res.statusCode = r.error.status;
      res.setHeader('content-type', 'application/json; charset=utf-8');
      res.setHeader('content-length', Buffer.byteLength(text));
      res.end(text);
    });
    return;
  }
  res.setHeader('content-type', 'text/event-stream; charset=utf-8');
  res.setHeader('cache-control', 'no-cache');
  res.setHeader('x-accel-buffering', 'no');
  // Headers go out now, so the client sees the stream open before the first event.
  res.flushHeaders();
  const write = (items: ChatStreamItem[]) => {
    if (items.length === 0) return;
    const text = items.map((i) => (typeof i === 'object' && 'error' in i ? o.clean(sse(i)) : sse(i))).join('');
    if (!res.write(text)) {
      up.pause();
      res.once('drain', () => up.resume());
    }
  };
  up.on('data', (chunk: string) => write(translate(parser.feed(chunk))));
  up.on('end', () => {
    write([...translate(parser.end()), ...tr.end()]);
    res.end();
  });
}
