/**
 * One canary per secret-valued config key (webhook URL userinfo and query token, a literal
 * headers.Authorization, smtp.pass, gateway.auth.token): none may appear in `config get`
 * (plain and --json), in `config set`'s echo (plain and --json), in `config validate --json`
 * or in `doctor --json`, and nowhere on stderr.
 */
import test from 'ava';
import { runCli } from '../helpers/cli.js';
import { tempHome } from '../helpers/tmp.js';

const C = {
  urlToken: 'CANARYQUERYTOKEN7731',
  urlUser: 'CANARYUSERINFO5521',
  header: 'CANARYHEADERAUTH9012',
  smtp: 'CANARYSMTPPASS4410',
  gateway: 'CANARYGATEWAYTOKEN3307',
};

test('secret-valued config keys are redacted in every output', async (t) => {
  const h = tempHome();
  t.teardown(() => h.cleanup());
  const env = h.env;
  const outputs: string[] = [];
  const run = async (args: string[]) => {
    const r = await runCli(args, { env, timeoutMs: 60_000 });
    outputs.push(`$ ${args.slice(0, 3).join(' ')}\n${r.stdout}${r.stderr}`);
    return r;
  };
  const hook = {
    type: 'webhook',
    format: 'aipro',
    url: `https://bot:${C.urlUser}@hooks.example.com/in?token=${C.urlToken}&x=1`,
    headers: { Authorization: `Bearer ${C.header}` },
  };
  const mail = {
    type: 'email',
    to: ['ops@example.com'],
    from: 'aipro@example.com',
    smtp: { host: 'smtp.example.com', port: 587, user: 'aipro', pass: C.smtp },
  };
  for (const [key, value] of [
    ['alerts.channels.hook', JSON.stringify(hook)],
    ['alerts.channels.mail', JSON.stringify(mail)],
    ['gateway.auth.token', C.gateway],
  ] as const) {
    const plain = await run(['config', 'set', key, value]);
    t.is(plain.code, 0, plain.stderr);
    t.is((await run(['config', 'set', key, value, '--json'])).code, 0);
  }
  await run(['config', 'get']);
  await run(['config', 'get', '--json']);
  await run(['config', 'get', 'alerts.channels.hook']);
  await run(['config', 'get', 'alerts.channels.hook.url']);
  await run(['config', 'get', 'alerts.channels.hook.headers', '--json']);
  await run(['config', 'get', 'alerts.channels.mail.smtp.pass']);
  await run(['config', 'get', 'gateway.auth.token', '--json']);
  await run(['config', 'validate', '--json']);
  await run(['doctor', '--json']);
  await run(['doctor']);
  const all = outputs.join('\n');
  for (const [name, canary] of Object.entries(C))
    t.false(
      all.includes(canary),
      `${name} leaked:\n${all
        .split('\n')
        .filter((l) => l.includes(canary))
        .join('\n')}`,
    );
  t.regex(all, /token=\[redacted\]/, 'the URL stays readable, only its secrets go');
  t.regex(all, /hooks\.example\.com/);
});
