/**
 * The pieces of a chat answer that map one Responses value each: usage, finish reason,
 * and a failed response as an OpenAI error with the status a JSON client gets. Pure.
 */

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => !!v && typeof v === 'object' && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** A mid-stream failure, in chat error form, with the HTTP status a JSON client gets. */
export interface ChatError {
  status: number;
  body: { error: { message: string; type: string; code: string | null; param: null } };
}

/** Responses error codes -> the status a JSON client sees (the stream itself was a 200). */
const ERROR_STATUS: Record<string, number> = {
  rate_limit_exceeded: 429,
  usage_limit_reached: 429,
  insufficient_quota: 429,
  usage_not_included: 403,
  context_length_exceeded: 400,
  invalid_prompt: 400,
};

/** Usage in chat form (cached and reasoning token details kept when present). */
export function chatUsage(u: unknown): Json | undefined {
  if (!isObj(u)) return undefined;
  const prompt = num(u.input_tokens) ?? 0;
  const completion = num(u.output_tokens) ?? 0;
  const cached = isObj(u.input_tokens_details) ? num(u.input_tokens_details.cached_tokens) : undefined;
  const reasoning = isObj(u.output_tokens_details) ? num(u.output_tokens_details.reasoning_tokens) : undefined;
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: num(u.total_tokens) ?? prompt + completion,
    ...(cached !== undefined ? { prompt_tokens_details: { cached_tokens: cached } } : {}),
    ...(reasoning !== undefined ? { completion_tokens_details: { reasoning_tokens: reasoning } } : {}),
  };
}

/** The chat `finish_reason` of a finished response. */
export function finishReason(response: unknown, hasToolCalls: boolean): string {
  const r = isObj(response) ? response : {};
  if (r.status === 'incomplete') {
    const why = isObj(r.incomplete_details) ? r.incomplete_details.reason : undefined;
    return why === 'content_filter' ? 'content_filter' : 'length';
  }
  return hasToolCalls ? 'tool_calls' : 'stop';
}

/** A chat error object from a Responses error (`{code, message}`), with its status. */
export function chatError(err: unknown, fallback: string): ChatError {
  const e = isObj(err) ? err : {};
  const code = str(e.code) ?? str(e.type) ?? null;
  const status = (code && ERROR_STATUS[code]) || 502;
  const type = status === 429 ? 'rate_limit_exceeded' : status === 400 ? 'invalid_request_error' : 'api_error';
  return { status, body: { error: { message: str(e.message) ?? fallback, type, code, param: null } } };
}
