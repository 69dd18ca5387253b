/** The Anthropic Messages API (`POST /v1/messages`). */
import { lastUserMessageText, replyId, sse, type Body, type ClientApi } from './types.js';

/** Our bounded error kinds -> Anthropic error types. */
const ERROR_TYPE: Record<string, string> = {
  bad_request: 'invalid_request_error',
  unauthorized: 'authentication_error',
  too_large: 'request_too_large',
  not_found: 'not_found_error',
  rate_limit: 'rate_limit_error',
  overloaded: 'overloaded_error',
};

/** The Anthropic Messages adapter. */
export const anthropicApi: ClientApi = {
  id: 'anthropic',
  route: '/v1/messages',
  upstreamPath: (api) => (api === 'anthropic' ? '/v1/messages' : null),
  lastUserText: (body: Body) => lastUserMessageText(body.messages),
  bodySession(body) {
    const meta = body.metadata as { user_id?: unknown } | undefined;
    return meta && typeof meta.user_id === 'string' && meta.user_id !== '' ? meta.user_id : undefined;
  },
  reply(text, model) {
    return {
      id: `msg_aipro_${replyId()}`,
      type: 'message',
      role: 'assistant',
      model,
      content: [{ type: 'text', text }],
      stop_reason: 'end_turn',
      stop_sequence: null,
      usage: { input_tokens: 0, output_tokens: 0 },
    };
  },
  replyStream(text, model) {
    const id = `msg_aipro_${replyId()}`;
    return [
      sse(
        {
          type: 'message_start',
          message: {
            id,
            type: 'message',
            role: 'assistant',
            model,
            content: [],
            stop_reason: null,
            stop_sequence: null,
            usage: { input_tokens: 0, output_tokens: 0 },
          },
        },
        'message_start',
      ),
      sse({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }, 'content_block_start'),
      sse({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } }, 'content_block_delta'),
      sse({ type: 'content_block_stop', index: 0 }, 'content_block_stop'),
      sse(
        { type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: 0 } },
        'message_delta',
      ),
      sse({ type: 'message_stop' }, 'message_stop'),
    ].join('');
  },
  errorBody(_status, kind, message, extra) {
    return {
      type: 'error',
      error: { type: ERROR_TYPE[kind] ?? 'api_error', message },
      ...(extra ? { aipro: extra } : {}),
    };
  },
};
