/**
 * Responses API stream events -> OpenAI Chat Completions. One state machine serves both
 * shapes a chat client may ask for: `push` turns each upstream event into the chat
 * chunks to send at once (streaming), and `result` folds everything seen into one
 * `chat.completion` (the backend only streams, so a JSON answer is assembled here).
 * Text, refusals, function calls, usage and finish reasons are mapped; reasoning items
 * have no chat counterpart and are left out. Pure.
 */

import { chatError, chatUsage, finishReason, type ChatError } from './chat.js';

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => !!v && typeof v === 'object' && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** What goes to a streaming client: a chunk or error object, or the `[DONE]` terminator. */
export type ChatStreamItem = Json | '[DONE]';

export interface TranslateOptions {
  /** The model the request was sent for (used until the upstream names its own). */
  model: string;
  /** Chunk/completion id when the upstream gives no response id. */
  fallbackId: string;
  /** Unix seconds for `created` when the upstream gives none. */
  nowS: number;
  /** `stream_options.include_usage`: a last chunk with empty `choices` and the usage. */
  includeUsage: boolean;
}

interface ToolCall {
  index: number;
  id: string;
  name: string;
  args: string;
}

export type ChatResult = { ok: true; completion: Json } | { ok: false; error: ChatError };

export class ResponsesToChat {
  private id: string;
  private created: number;
  private model: string;
  private started = false;
  private text = '';
  private refusal = '';
  /** Text streamed per output item, so a `done` item only adds what was not streamed. */
  private textByItem = new Map<string, string>();
  private calls = new Map<string, ToolCall>();
  private usage: Json | undefined;
  private finish: string | undefined;
  private error: ChatError | undefined;

  constructor(private readonly opts: TranslateOptions) {
    this.id = opts.fallbackId;
    this.created = opts.nowS;
    this.model = opts.model;
  }

  /** True once the response completed, failed or the stream ended. */
  get done(): boolean {
    return this.finish !== undefined || this.error !== undefined;
  }

  /** One upstream event (parsed JSON) -> the chat stream items to send now. */
  push(ev: unknown): ChatStreamItem[] {
    if (!isObj(ev) || this.done) return [];
    const out: ChatStreamItem[] = [];
    switch (ev.type) {
      case 'response.created':
      case 'response.in_progress':
        this.meta(ev.response);
        this.start(out);
        break;
      case 'response.output_text.delta':
        this.addText(out, str(ev.item_id) ?? '', str(ev.delta) ?? '');
        break;
      case 'response.refusal.delta':
        this.start(out);
        this.refusal += str(ev.delta) ?? '';
        if (str(ev.delta)) out.push(this.chunk({ refusal: ev.delta }));
        break;
      case 'response.output_item.added':
        if (isObj(ev.item) && ev.item.type === 'function_call') this.callAdded(out, ev.item, ev.output_index);
        break;
      case 'response.function_call_arguments.delta':
        this.callArgs(out, this.callFor(ev), str(ev.delta) ?? '');
        break;
      case 'response.output_item.done':
        this.itemDone(out, ev.item, ev.output_index);
        break;
      case 'response.completed':
      case 'response.incomplete':
        this.complete(out, ev.response);
        break;
      case 'response.failed':
        this.fail(out, isObj(ev.response) ? ev.response.error : undefined, 'the upstream response failed');
        break;
      case 'error':
        this.fail(out, isObj(ev.error) ? ev.error : ev, 'the upstream reported an error');
        break;
      default:
        break;
    }
    return out;
  }

  /** The upstream stream ended: anything short of a completed response is an error. */
  end(): ChatStreamItem[] {
    const out: ChatStreamItem[] = [];
    if (!this.done) this.fail(out, undefined, 'the upstream closed the stream before response.completed');
    return out;
  }

  /** Everything seen, as one chat completion (or the error a JSON client gets). */
  result(): ChatResult {
    if (this.error) return { ok: false, error: this.error };
    if (this.finish === undefined)
      return { ok: false, error: chatError(undefined, 'the upstream closed the stream before response.completed') };
    const calls = [...this.calls.values()].sort((a, b) => a.index - b.index);
    const message: Json = {
      role: 'assistant',
      content: this.text === '' && calls.length > 0 ? null : this.text,
      refusal: this.refusal || null,
    };
    if (calls.length > 0)
      message.tool_calls = calls.map((c) => ({
        id: c.id,
        type: 'function',
        function: { name: c.name, arguments: c.args },
      }));
    return {
      ok: true,
      completion: {
        id: this.id,
        object: 'chat.completion',
        created: this.created,
        model: this.model,
        choices: [{ index: 0, message, finish_reason: this.finish, logprobs: null }],
        usage: this.usage ?? { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 },
      },
    };
  }

  private meta(response: unknown): void {
    if (!isObj(response)) return;
    if (str(response.id)) this.id = response.id as string;
    if (num(response.created_at)) this.created = response.created_at as number;
    if (str(response.model)) this.model = response.model as string;
  }

  private chunk(delta: Json, finish: string | null = null): Json {
    return {
      id: this.id,
      object: 'chat.completion.chunk',
      created: this.created,
      model: this.model,
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
    };
  }

  /** The first chunk carries the role, as OpenAI's own streams do. */
  private start(out: ChatStreamItem[]): void {
    if (this.started) return;
    this.started = true;
    out.push(this.chunk({ role: 'assistant', content: '' }));
  }

  private addText(out: ChatStreamItem[], itemId: string, delta: string): void {
    this.start(out);
    if (delta === '') return;
    this.text += delta;
    this.textByItem.set(itemId, (this.textByItem.get(itemId) ?? '') + delta);
    out.push(this.chunk({ content: delta }));
  }

  private callKey(item: Json, outputIndex: unknown): string {
    return str(item.id) ?? `#${num(outputIndex) ?? this.calls.size}`;
  }

  private callFor(ev: Json): ToolCall | undefined {
    if (str(ev.item_id) && this.calls.has(ev.item_id as string)) return this.calls.get(ev.item_id as string);
    return (
      this.calls.get(`#${num(ev.output_index) ?? -1}`) ??
      [...this.calls.values()].find((c) => c.index === this.calls.size - 1)
    );
  }

  private callAdded(out: ChatStreamItem[], item: Json, outputIndex: unknown): ToolCall {
    this.start(out);
    const key = this.callKey(item, outputIndex);
    const known = this.calls.get(key);
    if (known) return known;
    const call: ToolCall = {
      index: this.calls.size,
      id: str(item.call_id) ?? str(item.id) ?? `call_${this.calls.size}`,
      name: str(item.name) ?? '',
      args: '',
    };
    this.calls.set(key, call);
    out.push(
      this.chunk({
        tool_calls: [
          { index: call.index, id: call.id, type: 'function', function: { name: call.name, arguments: '' } },
        ],
      }),
    );
    this.callArgs(out, call, str(item.arguments) ?? '');
    return call;
  }

  private callArgs(out: ChatStreamItem[], call: ToolCall | undefined, delta: string): void {
    if (!call || delta === '') return;
    call.args += delta;
    out.push(this.chunk({ tool_calls: [{ index: call.index, function: { arguments: delta } }] }));
  }

  /** A finished item: send whatever of it was not streamed as deltas. */
  private itemDone(out: ChatStreamItem[], item: unknown, outputIndex: unknown): void {
    if (!isObj(item)) return;
    if (item.type === 'function_call') {
      const call = this.callAdded(out, item, outputIndex);
      const full = str(item.arguments) ?? '';
      if (full.startsWith(call.args)) this.callArgs(out, call, full.slice(call.args.length));
    } else if (item.type === 'message') {
      const parts = Array.isArray(item.content) ? item.content.filter(isObj) : [];
      const full = parts.map((p) => (p.type === 'output_text' ? (str(p.text) ?? '') : '')).join('');
      const seen = this.textByItem.get(str(item.id) ?? '') ?? '';
      if (full.startsWith(seen)) this.addText(out, str(item.id) ?? '', full.slice(seen.length));
    }
  }

  private complete(out: ChatStreamItem[], response: unknown): void {
    this.meta(response);
    const r = isObj(response) ? response : {};
    // Some backends send the output only in the final event: take what was not streamed.
    if (this.text === '' && this.refusal === '' && this.calls.size === 0) {
      for (const [i, item] of (Array.isArray(r.output) ? r.output : []).entries()) this.itemDone(out, item, i);
    }
    this.start(out);
    this.usage = chatUsage(r.usage);
    this.finish = finishReason(r, this.calls.size > 0);
    out.push(this.chunk({}, this.finish));
    if (this.opts.includeUsage)
      out.push({
        id: this.id,
        object: 'chat.completion.chunk',
        created: this.created,
        model: this.model,
        choices: [],
        usage: this.usage ?? null,
      });
    out.push('[DONE]');
  }

  private fail(out: ChatStreamItem[], err: unknown, fallback: string): void {
    this.error = chatError(err, fallback);
    out.push(this.error.body);
  }
}
