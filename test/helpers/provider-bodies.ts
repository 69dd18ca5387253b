/** Answer bodies the way the real provider APIs shape them, for the fakes in fake-providers.ts. */

export type FakeKind = 'anthropic' | 'openai' | 'openrouter' | 'google' | 'openai-codex';

export const CLAUDE_CODE_ONLY_MESSAGE =
  'This credential is only authorized for use with Claude Code and cannot be used for other API requests.';

/** The error body shape each API uses. */
export function errorBody(kind: FakeKind, status: number, type: string, message: string): unknown {
  if (kind === 'anthropic') return { type: 'error', error: { type, message } };
  if (kind === 'google') return { error: { code: status, message, status: type.toUpperCase() } };
  return { error: { message, type, param: null, code: type } };
}

/** Anthropic `GET /api/oauth/usage` as a Max subscription answers it. */
export const ANTHROPIC_USAGE = {
  five_hour: { utilization: 42.5, resets_at: '2026-12-01T18:00:00.000000+00:00' },
  seven_day: { utilization: 12, resets_at: '2026-12-05T09:00:00+00:00' },
  seven_day_opus: null,
  seven_day_sonnet: { utilization: 3, resets_at: null },
  extra_usage: { is_enabled: false, monthly_limit: null, used_credits: null, utilization: null },
};

/** Codex `GET /wham/usage` (ChatGPT Plus): windows with `used_percent` and `reset_at` in epoch seconds. */
export const CODEX_USAGE = {
  plan_type: 'plus',
  rate_limit: {
    allowed: true,
    limit_reached: false,
    primary_window: {
      used_percent: 7,
      limit_window_seconds: 18_000,
      reset_after_seconds: 3600,
      reset_at: 1_796_000_000,
    },
    secondary_window: {
      used_percent: 55,
      limit_window_seconds: 604_800,
      reset_after_seconds: 86_400,
      reset_at: 1_796_500_000,
    },
  },
};

/** A successful Anthropic Messages answer. */
export const anthropicOk = (text = 'hello from upstream') => ({
  status: 200,
  json: {
    id: 'msg_up',
    type: 'message',
    role: 'assistant',
    model: 'claude-sonnet-4-5',
    content: [{ type: 'text', text }],
    stop_reason: 'end_turn',
    usage: { input_tokens: 3, output_tokens: 4 },
  },
});

/** A successful chat completion. */
export const openaiOk = (text = 'hello from upstream') => ({
  status: 200,
  json: {
    id: 'chatcmpl-up',
    object: 'chat.completion',
    created: 1,
    model: 'gpt-4o',
    choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }],
  },
});

/** An Anthropic-style error answer. */
export const anthropicError = (status: number, type: string, message: string, headers?: Record<string, string>) => ({
  status,
  json: errorBody('anthropic', status, type, message),
  ...(headers ? { headers } : {}),
});
