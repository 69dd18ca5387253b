/**
 * What counts as a good gateway answer in the chaos test. Pure, and true for any
 * interleaving: a reply is the upstream's success byte for byte, the gateway's own `/model`
 * reply, or a well-formed gateway error (JSON in the Anthropic error shape, with the
 * gateway's request id); a connection cut before the body ended is accepted only when the
 * gateway had been SIGKILLed or the upstream itself cut that answer. Never a hang, never a
 * cut body that ends cleanly.
 */
import type { Reply } from './chaos-gateway.js';
import { answerJson, sseEvents, type Scenario } from './chaos-upstream.js';

export type GwRequest =
  | { kind: 'request'; marker: string; scenario: Scenario; stream: boolean }
  | { kind: 'command'; session: string };

export interface Verdict {
  /** What is wrong with the reply; null when it is one of the accepted answers. */
  problem: string | null;
  /** For the run summary: `200 upstream`, `502 api_error`, `cut (gateway killed)`, … */
  label: string;
  /** A served success: which upstream attempt, under which profile id. */
  served?: { attempt: number; profile: string };
  /** A `/model` reply that says the session choice was saved. */
  acked?: boolean;
}

const GATEWAY_REQUEST_ID = /^req_aipro_[0-9a-f]{24}$/;

function parse(text: string): any {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function upstreamSuccess(req: Extract<GwRequest, { kind: 'request' }>, r: Reply): Verdict {
  const expected = req.stream ? sseEvents(req.marker).join('') : answerJson(req.marker);
  if (r.body !== expected)
    return {
      problem:
        `200 whose body is not the upstream's answer (${r.body.length} of ${expected.length} bytes): ` +
        `${r.body.slice(0, 200)}`,
      label: '200 wrong body',
    };
  const m = new RegExp(`^req_up_${req.marker}_(\\d+)$`).exec(String(r.headers['request-id'] ?? ''));
  if (!m)
    return {
      problem: `200 without the upstream's request id (request-id: ${r.headers['request-id']})`,
      label: '200 no request id',
    };
  const profile = r.headers['x-aipro-auth-profile'];
  if (typeof profile !== 'string') return { problem: '200 without x-aipro-auth-profile', label: '200 no profile' };
  return {
    problem: null,
    label: `200 upstream${req.stream ? ' stream' : ''}`,
    served: { attempt: Number(m[1]), profile: decodeURIComponent(profile) },
  };
}

function commandReply(r: Reply): Verdict {
  const json = parse(r.body);
  const text = json?.type === 'message' ? json.content?.[0]?.text : undefined;
  if (typeof text !== 'string')
    return { problem: `200 /model reply that is not a message: ${r.body.slice(0, 200)}`, label: '200 bad reply' };
  if (!GATEWAY_REQUEST_ID.test(String(r.headers['request-id'] ?? '')))
    return {
      problem: `/model reply without a gateway request id (${r.headers['request-id']})`,
      label: '200 no request id',
    };
  return {
    problem: null,
    label: '200 /model',
    acked: text.startsWith('Model for this session: anthropic/claude-sonnet-4-5'),
  };
}

function gatewayError(r: Reply): Verdict {
  const json = parse(r.body);
  const type = json?.error?.type;
  if (
    !/^application\/json/.test(String(r.headers['content-type'] ?? '')) ||
    json?.type !== 'error' ||
    typeof type !== 'string' ||
    typeof json.error.message !== 'string' ||
    json.error.message === ''
  ) {
    return {
      problem: `${r.status} that is not a JSON gateway error: ${r.body.slice(0, 300)}`,
      label: `${r.status} malformed`,
    };
  }
  // A full disk, a kill or a bad upstream is an operator's condition with a cause, never "internal".
  if (/internal error|report this/i.test(json.error.message))
    return { problem: `${r.status} internal error: ${json.error.message}`, label: `${r.status} internal` };
  if (!GATEWAY_REQUEST_ID.test(String(r.headers['request-id'] ?? '')))
    return {
      problem: `${r.status} ${type} without a gateway request id (${r.headers['request-id']})`,
      label: `${r.status} no request id`,
    };
  return { problem: null, label: `${r.status} ${type}` };
}

/** Judge one reply to one request. */
export function judge(req: GwRequest, r: Reply): Verdict {
  if (r.hung) return { problem: `${r.error} (gateway ${r.gen}${r.killed ? ', killed' : ''})`, label: 'hung' };
  if (!r.complete) {
    if (r.killed) return { problem: null, label: 'cut (gateway killed)' };
    if (req.kind === 'request' && req.scenario === 'truncate')
      return { problem: null, label: 'cut (upstream truncated)' };
    return {
      problem: `${r.status ?? 'no'} response cut without a cause: ${r.error}; ${r.body.slice(0, 200)}`,
      label: 'cut (no cause)',
    };
  }
  if (r.status === 200) return req.kind === 'request' ? upstreamSuccess(req, r) : commandReply(r);
  if ((r.status ?? 0) >= 400) return gatewayError(r);
  return { problem: `unexpected status ${r.status}`, label: `${r.status}` };
}
