/**
 * The model endpoints: resolve agent and session, answer `/model` commands, otherwise
 * pick the candidates and forward with failover.
 */
import { storeErrorMessage } from '../store/read.js';
import type { Body, ClientApi } from './apis/index.js';
import { candidateResolver } from './candidates.js';
import { parseModelCommand } from './commands.js';
import { forwardWithFailover, type ForwardInput } from './failover.js';
import { header, sendJson, sendText, type GatewayRequest, type GatewayResponse } from './http.js';
import { answerModelCommand } from './model-replies.js';
import { ensureRequestId } from './own-headers.js';
import type { Runtime } from './runtime.js';
import { DEFAULT_SESSION, SESSION_ID_RE } from './sessions.js';

/** Send an error in the API's own format. */
export function sendApiError(
  rt: Runtime,
  api: ClientApi,
  res: GatewayResponse,
  status: number,
  kind: string,
  message: string,
  started: number,
): void {
  rt.log.info('gateway.refused', { request_id: ensureRequestId(api, res), status, kind });
  sendJson(res, status, api.errorBody(status, kind, message));
  rt.metrics.request(
    'none',
    'none',
    status === 401 ? 'unauthorized' : 'bad_request',
    (performance.now() - started) / 1000,
  );
}

/** The gateway's own reply (a `/model` answer), JSON or a minimal SSE stream. */
export function sendReply(api: ClientApi, res: GatewayResponse, text: string, model: string, stream: boolean): void {
  if (stream)
    sendText(res, 200, api.replyStream(text, model), {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
    });
  else sendJson(res, 200, api.reply(text, model));
}

/** The request handler of one model endpoint (works on bare node or express objects). */
export function apiHandler(rt: Runtime, api: ClientApi) {
  const resolve = candidateResolver(api.id);
  return async (req: GatewayRequest, res: GatewayResponse): Promise<void> => {
    const started = performance.now();
    // Every answer carries a request id (an upstream's own replaces it when passed through).
    const requestId = ensureRequestId(api, res);
    const agent = rt.agent(header(req, 'x-aipro-agent'));
    if (!agent)
      return sendApiError(
        rt,
        api,
        res,
        400,
        'bad_request',
        'X-Aipro-Agent must be an agent id (letters, digits, ".", "_", "-"), e.g. main',
        started,
      );
    const body = req.body as Body | undefined;
    if (!body || typeof body !== 'object' || Array.isArray(body)) {
      return sendApiError(
        rt,
        api,
        res,
        400,
        'bad_request',
        `the request body must be a JSON object (${api.route})`,
        started,
      );
    }
    const sessionId = header(req, 'x-aipro-session') ?? api.bodySession(body) ?? DEFAULT_SESSION;
    if (!SESSION_ID_RE.test(sessionId))
      return sendApiError(
        rt,
        api,
        res,
        400,
        'bad_request',
        'the session key (X-Aipro-Session or user) must be 1-256 printable ASCII characters',
        started,
      );
    const read = agent.cached() ?? (await agent.read());
    if (!read.ok) {
      rt.log.error('gateway.store_unreadable', {
        request_id: requestId,
        agent: agent.id,
        path: read.path,
        reason: read.reason,
      });
      sendJson(res, 500, api.errorBody(500, 'store_unreadable', storeErrorMessage(read)));
      rt.metrics.request('none', 'none', 'exhausted', (performance.now() - started) / 1000);
      return;
    }
    const store = rt.usage.overlay(agent, read.store);
    const session = agent.sessions.get(sessionId);
    const cmd = parseModelCommand(api.lastUserText(body), rt.config.models.aliases);
    if (cmd) {
      const text = await answerModelCommand(rt, api, cmd, { agent, store, sessionId, session, requested: body.model });
      rt.log.info('gateway.model_command', {
        request_id: requestId,
        agent: agent.id,
        session: sessionId,
        command: cmd.kind,
      });
      sendReply(api, res, text, typeof body.model === 'string' ? body.model : 'aipro', body.stream === true);
      rt.metrics.request('none', 'none', 'command', (performance.now() - started) / 1000);
      return;
    }
    const primary = resolve(rt.config, session?.model, body.model);
    if (!primary.ok) return sendApiError(rt, api, res, 400, 'bad_request', primary.detail, started);
    const forward: ForwardInput = { agent, store, body, candidates: primary.candidates, started };
    if (session?.profile) forward.pin = session.profile;
    await forwardWithFailover(rt, api, req, res, forward);
  };
}
