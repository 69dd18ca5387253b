/** OpenAI-compatible chat completions (`POST /v1/chat/completions`). */
import { lastUserMessageText, replyId, sse, type ClientApi } from './types.js';

/** Our bounded error kinds -> OpenAI error types. */
const ERROR_TYPE: Record<string, string> = {
  bad_request: 'invalid_request_error',
  unauthorized: 'invalid_request_error',
  too_large: 'invalid_request_error',
  not_found: 'invalid_request_error',
  rate_limit: 'rate_limit_exceeded',
};

/** The OpenAI chat-completions adapter. */
export const openaiApi: ClientApi = {
  id: 'openai',
  route: '/v1/chat/completions',
  upstreamPath(api) {
    if (api === 'openai') return '/chat/completions';
    // Anthropic serves an OpenAI-compatible endpoint next to the Messages API.
    if (api === 'anthropic') return '/v1/chat/completions';
    // So does Gemini.
    if (api === 'google') return '/v1beta/openai/chat/completions';
    // The Codex backend speaks only the Responses API: requests are translated (../responses).
    if (api === 'codex-responses') return '/codex/responses';
    return null;
  },
  lastUserText: (body) => lastUserMessageText(body.messages),
  bodySession: (body) => (typeof body.user === 'string' && body.user !== '' ? body.user : undefined),
  reply(text, model) {
    return {
      id: `chatcmpl-aipro-${replyId()}`,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model,
      choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop', logprobs: null }],
      usage: { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 },
    };
  },
  replyStream(text, model) {
    const base = {
      id: `chatcmpl-aipro-${replyId()}`,
      object: 'chat.completion.chunk',
      created: Math.floor(Date.now() / 1000),
      model,
    };
    return [
      sse({ ...base, choices: [{ index: 0, delta: { role: 'assistant', content: text }, finish_reason: null }] }),
      sse({ ...base, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] }),
      sse('[DONE]'),
    ].join('');
  },
  errorBody(_status, kind, message, extra) {
    return {
      error: { message, type: ERROR_TYPE[kind] ?? 'api_error', code: kind, param: null },
      ...(extra ? { aipro: extra } : {}),
    };
  },
};
