/**
 * Serving a client API through a provider that speaks another wire API. Today one pair:
 * OpenAI chat completions -> the ChatGPT Codex backend's Responses API (`openai-codex`),
 * which no longer accepts chat requests. Every other pair is passed through untouched.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { chatgptAccountId } from '../../oauth/jwt.js';
import type { Provider } from '../../providers/types.js';
import type { Credential } from '../agent-state.js';
import type { ApiId, Body } from '../apis/index.js';
import { relayResponsesAsChat } from './relay.js';
import { chatToResponses, clientWants } from './request.js';

/** Sent as `originator`: the Codex backend names the calling client by it (aipro names itself). */
export const ORIGINATOR = 'aipro';

/** One request translated for one candidate model. */
export interface Translation {
  /** The upstream request body. */
  body: string;
  /** Headers to add after the credential's own, or the reason this credential cannot be used. */
  headers(
    cred: Credential,
    secret: string,
  ): { ok: true; headers: Record<string, string> } | { ok: false; detail: string };
  /** Send the upstream's 2xx answer to the client in the client's format. */
  relay(up: IncomingMessage, res: ServerResponse, clean: (s: string) => string): void;
}

/**
 * The ChatGPT workspace a Codex request is billed to: the profile's stored account id,
 * else the access token's `chatgpt_account_id` claim (tokens carry it; ids never come
 * from `sub`).
 */
export function codexAccountId(cred: Pick<Credential, 'accountId'>, access: string): string | undefined {
  return cred.accountId || chatgptAccountId(access);
}

/** Headers the Codex Responses endpoint expects besides `Authorization`. */
export function codexHeaders(accountId: string): Record<string, string> {
  return {
    'chatgpt-account-id': accountId,
    'openai-beta': 'responses=experimental',
    originator: ORIGINATOR,
    accept: 'text/event-stream',
  };
}

/** The translation for `api` served by a provider speaking `providerApi`, or null (pass-through). */
export function translationFor(
  api: ApiId,
  providerApi: Provider['api'],
  client: Body,
  model: string,
): Translation | null {
  if (api !== 'openai' || providerApi !== 'codex-responses') return null;
  const wants = clientWants(client);
  return {
    body: JSON.stringify(chatToResponses(client, model)),
    headers(cred, secret) {
      const id = codexAccountId(cred, secret);
      if (!id)
        return {
          ok: false,
          detail:
            `no ChatGPT account id for ${cred.id} (the Codex backend needs one); sign in again: aipro models auth ` +
            `login --provider openai-codex`,
        };
      return { ok: true, headers: codexHeaders(id) };
    },
    relay: (up, res, clean) => relayResponsesAsChat(up, res, { ...wants, model, clean }),
  };
}
