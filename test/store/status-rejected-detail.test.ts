/** A rejected credential's detail names the HTTP status once, then the provider's words. */
import test from 'ava';
import { status, type CredentialView } from '../../src/store/status.js';
import { credentialView } from '../helpers/credential-view.js';

const NOW = 1_800_000_000_000;

function rejectedBy(httpStatus: number | undefined, detail: string | undefined): CredentialView {
  return credentialView({
    id: 'anthropic:work',
    type: 'api_key',
    secret: { ok: true, value: 'sk-ant-api03-secret' },
    secretHash: 'aaaaaaaaaaaa',
    stats: {
      lastProbe: {
        at: NOW - 1000,
        ok: false,
        reason: 'auth',
        ...(httpStatus ? { httpStatus } : {}),
        ...(detail ? { detail } : {}),
      },
    },
  });
}

const CASES: [number | undefined, string | undefined, string][] = [
  [401, 'HTTP 401: invalid x-api-key', 'rejected by the provider (HTTP 401): invalid x-api-key'],
  [401, 'HTTP 401', 'rejected by the provider (HTTP 401)'],
  [403, 'forbidden for this org', 'rejected by the provider (HTTP 403): forbidden for this org'],
  [undefined, 'HTTP 401: invalid x-api-key', 'rejected by the provider: HTTP 401: invalid x-api-key'],
  [401, undefined, 'rejected by the provider (HTTP 401)'],
];

for (const [httpStatus, detail, want] of CASES) {
  test(`rejected detail: status ${String(httpStatus)}, probe detail ${JSON.stringify(detail)}`, (t) => {
    const r = status(rejectedBy(httpStatus, detail), NOW);
    t.is(r.status, 'rejected');
    t.is(r.detail, want);
  });
}
