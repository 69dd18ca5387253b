/**
 * The OAuth login (authorization code + PKCE S256):
 * - `loopback` providers (OpenAI Codex): a local listener on the redirect URI's port
 *   catches `?code=&state=`; pasting the redirect URL works too (headless hosts).
 * - `paste` providers (Anthropic): the provider's page shows `code#state` to paste.
 * Then the code is exchanged for tokens. The verifier and the code never leave this
 * process except towards the token endpoint; nothing here prints them.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { OAuthSpec } from '../providers/types.js';
import { authorizeUrl, fromQuery, parsePasted, type CallbackResult } from './authorize.js';
import { createPkce, createState } from './pkce.js';
import { requestToken, type TokenSet } from './token-endpoint.js';

export interface LoginIo {
  /** A line for the user (stderr: stdout stays clean for scripts). */
  say(line: string): void;
  /** One pasted line; null at end of input. */
  readLine(): Promise<string | null>;
  /** Try to open a browser (best effort). */
  openBrowser?(url: string): void;
}

export interface LoginInput {
  spec: OAuthSpec;
  noBrowser: boolean;
  io: LoginIo;
  now: () => number;
  /** How long to wait for the user (default 5 minutes). */
  timeoutMs?: number;
}

export type LoginResult = { ok: true; tokens: TokenSet } | { ok: false; reason: string; detail: string };

const DONE_PAGE =
  '<!doctype html><meta charset="utf-8"><title>aipro</title><p>Signed in. You can close this tab and return to the ' +
  'terminal.</p>';
const FAIL_PAGE = '<!doctype html><meta charset="utf-8"><title>aipro</title><p>Sign-in failed; see the terminal.</p>';

interface Listener {
  redirectUri: string;
  result: Promise<CallbackResult>;
  close(): void;
}

/** Listen on the redirect URI's host/port (port 0: any free port) for the redirect. */
async function listen(redirect: URL, state: string): Promise<Listener | { error: string }> {
  let settle: (r: CallbackResult) => void = () => undefined;
  const result = new Promise<CallbackResult>((r) => (settle = r));
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== redirect.pathname) {
      res.writeHead(404).end();
      return;
    }
    const r = fromQuery(url.searchParams, state);
    // A stray request with another state must not end this login; only ours (or an error) does.
    if (!r.ok && r.reason === 'state_mismatch') {
      res.writeHead(400, { 'content-type': 'text/html' }).end(FAIL_PAGE);
      return;
    }
    res
      .writeHead(r.ok ? 200 : 400, { 'content-type': 'text/html', connection: 'close' })
      .end(r.ok ? DONE_PAGE : FAIL_PAGE);
    settle(r);
  });
  const host = redirect.hostname === 'localhost' ? '127.0.0.1' : redirect.hostname.replace(/^\[|\]$/g, '');
  const port = Number(redirect.port || 80);
  const err = await new Promise<string | null>((resolve) => {
    server.once('error', (e: NodeJS.ErrnoException) =>
      resolve(e.code === 'EADDRINUSE' ? `port ${port} is in use (another login running?)` : `${e.code ?? e.message}`),
    );
    server.listen(port, host, () => resolve(null));
  });
  if (err) return { error: err };
  const actual = new URL(redirect.toString());
  actual.port = String((server.address() as AddressInfo).port);
  return {
    redirectUri: actual.toString(),
    result,
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}

/** Wait for a usable paste; resolves null at end of input. */
async function pasted(io: LoginIo, state: string): Promise<CallbackResult | null> {
  for (;;) {
    const line = await io.readLine();
    if (line === null) return null;
    if (line.trim() === '') continue;
    const r = parsePasted(line, state);
    if (r.ok || r.reason !== 'no_code') return r;
    io.say(`${r.detail}; paste the whole redirect URL (or code#state)`);
  }
}

/** Run the login. Expected failures come back as data. */
export async function login(input: LoginInput): Promise<LoginResult> {
  const { spec, io } = input;
  const pkce = createPkce();
  const state = createState();
  let listener: Listener | null = null;
  let redirectUri = spec.redirectUri;
  if (spec.flow === 'loopback') {
    const l = await listen(new URL(spec.redirectUri), state);
    if ('error' in l)
      io.say(`Cannot listen for the redirect on ${spec.redirectUri}: ${l.error}. Paste the redirect URL instead.`);
    else {
      listener = l;
      redirectUri = l.redirectUri;
    }
  }
  const url = authorizeUrl(spec, { redirectUri, challenge: pkce.challenge, state });
  io.say('Open this URL in a browser and sign in:');
  io.say('');
  io.say(`  ${url}`);
  io.say('');
  if (!input.noBrowser) io.openBrowser?.(url);
  if (listener)
    io.say(
      input.noBrowser
        ? 'Waiting for the redirect… (on another machine? paste the URL the browser ended on, then Enter)'
        : 'Waiting for the browser to come back…',
    );
  else
    io.say(
      spec.flow === 'paste'
        ? 'Paste the code shown on the page (code#state), then Enter:'
        : 'Paste the URL the browser ended on, then Enter:',
    );

  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<CallbackResult>((resolve) => {
    timer = setTimeout(
      () =>
        resolve({
          ok: false,
          reason: 'no_code',
          detail: `no sign-in within ${Math.round((input.timeoutMs ?? 300_000) / 1000)} s`,
        }),
      input.timeoutMs ?? 300_000,
    );
  });
  const fromPaste = pasted(io, state).then(
    (r) =>
      // End of input with a listener still up: keep waiting for the browser.
      r ??
      (listener
        ? new Promise<CallbackResult>(() => undefined)
        : { ok: false as const, reason: 'no_code' as const, detail: 'no code was pasted (end of input)' }),
  );
  let got: CallbackResult;
  try {
    got = await Promise.race([...(listener ? [listener.result] : []), fromPaste, timeout]);
  } finally {
    clearTimeout(timer);
    listener?.close();
  }
  if (!got.ok) return { ok: false, reason: got.reason, detail: got.detail };

  const params: Record<string, string> = {
    grant_type: 'authorization_code',
    code: got.code,
    redirect_uri: redirectUri,
    client_id: spec.clientId,
    code_verifier: pkce.verifier,
  };
  // Anthropic's token endpoint wants the state back alongside the code (ours for a bare code).
  if (spec.tokenBody === 'json') params.state = got.state;
  const res = await requestToken(spec, params, { now: input.now });
  if (!res.ok) return { ok: false, reason: res.reason, detail: `exchanging the authorization code: ${res.detail}` };
  return { ok: true, tokens: res.tokens };
}
