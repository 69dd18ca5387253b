/**
 * A client-facing wire API (Anthropic Messages, OpenAI chat completions). One file per
 * API in this folder, registered in `index.ts`. An API knows its own request shape, how
 * the gateway answers in it (replies, SSE, errors) and which upstream path serves it.
 */
import type { Provider } from '../../providers/types.js';

/** Ids of the client APIs. */
export type ApiId = 'anthropic' | 'openai';

/** A request body as JSON (the gateway only reads a few fields and rewrites `model`). */
export type Body = Record<string, unknown>;

/** One client-facing wire API. */
export interface ClientApi {
  id: ApiId;
  /** Route the gateway serves for this API. */
  route: string;
  /**
   * Path appended to a provider's base URL, or null when that provider cannot serve
   * requests in this API's format (the candidate is skipped and named in the error).
   */
  upstreamPath(providerApi: Provider['api']): string | null;
  /** Text of the last user message (for `/model` commands), or null. */
  lastUserText(body: Body): string | null;
  /** A session key carried in the body (`user`, `metadata.user_id`), if any. */
  bodySession(body: Body): string | undefined;
  /** A JSON reply from the gateway itself, as the provider would answer. */
  reply(text: string, model: string): unknown;
  /** The same reply as a complete, minimal, valid SSE stream. */
  replyStream(text: string, model: string): string;
  /** An error body in this API's format. `kind` is a bounded machine word. */
  errorBody(status: number, kind: string, message: string, extra?: Record<string, unknown>): unknown;
}

/** Text of a message `content`: a string, or the text parts of a block list. */
export function contentText(content: unknown): string | null {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return null;
  const parts = content
    .filter(
      (b): b is { type: string; text: string } =>
        !!b &&
        typeof b === 'object' &&
        (b as { type?: unknown }).type === 'text' &&
        typeof (b as { text?: unknown }).text === 'string',
    )
    .map((b) => b.text);
  return parts.length > 0 ? parts.join('\n') : null;
}

/** Text of the last message whose role is `user`. */
export function lastUserMessageText(messages: unknown): string | null {
  if (!Array.isArray(messages)) return null;
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i] as { role?: unknown; content?: unknown } | null;
    if (m && typeof m === 'object' && m.role === 'user') return contentText(m.content);
  }
  return null;
}

/** One SSE event (`event:` line only when named). */
export function sse(data: unknown, event?: string): string {
  return `${event ? `event: ${event}\n` : ''}data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`;
}

/** A short random id suffix for reply ids. */
export function replyId(): string {
  return Math.random().toString(36).slice(2, 14).padEnd(12, '0');
}
