/**
 * An OpenAI Chat Completions request body rewritten as a Responses API request for the
 * ChatGPT Codex backend (`POST …/codex/responses`). That backend refuses the chat wire
 * API, refuses non-streaming requests, requires `instructions`, keeps nothing (`store:
 * false`) and refuses output-token limits, so the translation is not a field-for-field
 * copy: what has no Responses counterpart there is left out (listed in DROPPED). Pure.
 */
import { contentText, type Body } from '../apis/types.js';

/** Used when the client sent no system message: the backend refuses empty instructions. */
export const DEFAULT_INSTRUCTIONS = 'You are a helpful assistant.';

/**
 * Chat fields not forwarded: sampling and length controls the Codex backend refuses or
 * ignores, multi-choice and logprobs it cannot produce, and the session key (`user`) the
 * gateway consumes itself.
 */
export const DROPPED = [
  'max_tokens',
  'max_completion_tokens',
  'temperature',
  'top_p',
  'n',
  'stop',
  'presence_penalty',
  'frequency_penalty',
  'logit_bias',
  'logprobs',
  'top_logprobs',
  'seed',
  'user',
  'metadata',
  'service_tier',
  'modalities',
  'audio',
  'prediction',
  'web_search_options',
  'functions',
  'function_call',
  'stream_options',
] as const;

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => !!v && typeof v === 'object' && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** One user content part in Responses form; parts with no counterpart pass unchanged. */
function userPart(p: unknown): unknown {
  if (typeof p === 'string') return { type: 'input_text', text: p };
  if (!isObj(p)) return p;
  if (p.type === 'text') return { type: 'input_text', text: str(p.text) ?? '' };
  if (p.type === 'image_url') {
    const img = isObj(p.image_url) ? p.image_url : { url: p.image_url };
    return { type: 'input_image', image_url: str(img.url) ?? '', detail: str(img.detail) ?? 'auto' };
  }
  if (p.type === 'file' && isObj(p.file)) {
    const f = p.file;
    return {
      type: 'input_file',
      ...(str(f.file_data) ? { file_data: f.file_data } : {}),
      ...(str(f.file_id) ? { file_id: f.file_id } : {}),
      ...(str(f.filename) ? { filename: f.filename } : {}),
    };
  }
  return p;
}

/** The `input` items of one chat message (none for system/developer: they become instructions). */
export function messageItems(m: unknown): unknown[] {
  if (!isObj(m)) return [];
  switch (m.role) {
    case 'user': {
      const content = Array.isArray(m.content) ? m.content.map(userPart) : [userPart(str(m.content) ?? '')];
      return [{ type: 'message', role: 'user', content }];
    }
    case 'assistant': {
      const out: unknown[] = [];
      const text = contentText(m.content) ?? str(m.refusal);
      if (text) out.push({ type: 'message', role: 'assistant', content: [{ type: 'output_text', text }] });
      for (const call of Array.isArray(m.tool_calls) ? m.tool_calls : []) {
        if (!isObj(call)) continue;
        const fn = isObj(call.function) ? call.function : {};
        out.push({
          type: 'function_call',
          call_id: str(call.id) ?? '',
          name: str(fn.name) ?? '',
          arguments: str(fn.arguments) ?? '{}',
        });
      }
      return out;
    }
    case 'tool':
      return [
        { type: 'function_call_output', call_id: str(m.tool_call_id) ?? '', output: contentText(m.content) ?? '' },
      ];
    default:
      return [];
  }
}

/** Chat `tools` entry -> Responses tool (function fields move up one level). */
function tool(t: unknown): unknown {
  if (!isObj(t) || t.type !== 'function' || !isObj(t.function)) return t;
  const f = t.function;
  return {
    type: 'function',
    name: f.name,
    ...(f.description !== undefined ? { description: f.description } : {}),
    parameters: f.parameters ?? { type: 'object', properties: {} },
    ...(typeof f.strict === 'boolean' ? { strict: f.strict } : {}),
  };
}

function toolChoice(c: unknown): unknown {
  if (isObj(c) && c.type === 'function' && isObj(c.function)) return { type: 'function', name: c.function.name };
  return c;
}

/** `response_format` -> `text.format`, or undefined for plain text. */
function textFormat(f: unknown): unknown {
  if (!isObj(f)) return undefined;
  if (f.type === 'json_object') return { type: 'json_object' };
  if (f.type === 'json_schema' && isObj(f.json_schema)) {
    const s = f.json_schema;
    return {
      type: 'json_schema',
      name: s.name ?? 'response',
      schema: s.schema ?? {},
      ...(typeof s.strict === 'boolean' ? { strict: s.strict } : {}),
      ...(s.description !== undefined ? { description: s.description } : {}),
    };
  }
  return undefined;
}

/** The Responses request for a chat body, addressed to `model`. Always streamed upstream. */
export function chatToResponses(body: Body, model: string): Json {
  const messages = Array.isArray(body.messages) ? body.messages : [];
  const instructions = messages
    .filter((m): m is Json => isObj(m) && (m.role === 'system' || m.role === 'developer'))
    .map((m) => contentText(m.content) ?? '')
    .filter((s) => s.trim() !== '')
    .join('\n\n');
  const out: Json = {
    model,
    instructions: instructions || DEFAULT_INSTRUCTIONS,
    input: messages.flatMap(messageItems),
    stream: true,
    store: false,
  };
  if (Array.isArray(body.tools) && body.tools.length > 0) out.tools = body.tools.map(tool);
  if (body.tool_choice !== undefined) out.tool_choice = toolChoice(body.tool_choice);
  if (typeof body.parallel_tool_calls === 'boolean') out.parallel_tool_calls = body.parallel_tool_calls;
  if (typeof body.reasoning_effort === 'string') out.reasoning = { effort: body.reasoning_effort };
  const format = textFormat(body.response_format);
  if (format) out.text = { format };
  return out;
}

/** What the client asked of the answer: a stream or one JSON object, and usage in the stream. */
export function clientWants(body: Body): { stream: boolean; includeUsage: boolean } {
  const opts = isObj(body.stream_options) ? body.stream_options : {};
  return { stream: body.stream === true, includeUsage: opts.include_usage === true };
}
