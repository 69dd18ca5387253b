/**
 * The interactive side of `aipro onboard`: asks the questions (provider, API key or
 * setup-token, where to keep it, default agent, optional alert mail) and returns a plan.
 * @inquirer/prompts is loaded here only, so nothing else pays for it.
 */
import { spawnSync } from 'node:child_process';
import { PROVIDERS } from '../providers/index.js';
import { AGENT_ID_RE } from '../store/paths.js';
import { defaultFrom, type AlertPlan, type OnboardPlan } from './onboard-apply.js';
import { findOnPath, secretProblem } from './auth-secrets.js';
import { normalizeSecret } from './prompt-secret.js';
import { own } from '../util/own.js';
import { io } from './io.js';

const EMAIL_RE = /^[^\s@]+@[^\s@]+$/;
const ENV_NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;

async function askAlert(): Promise<AlertPlan | undefined> {
  const { confirm, input, number } = await import('@inquirer/prompts');
  if (!(await confirm({ message: 'Send alert mail when a credential is about to expire or breaks?', default: false })))
    return undefined;
  const to = await input({
    message: 'Send alerts to (email):',
    validate: (v) => EMAIL_RE.test(v.trim()) || 'enter an email address',
  });
  const from = await input({
    message: 'From address:',
    default: defaultFrom(),
    validate: (v) => EMAIL_RE.test(v.trim()) || 'enter an email address',
  });
  const smtpHost = await input({ message: 'SMTP server host:', validate: (v) => v.trim().length > 0 || 'required' });
  const smtpPort = (await number({ message: 'SMTP port:', default: 587, min: 1, max: 65535 })) ?? 587;
  const smtpUser = (await input({ message: 'SMTP user (empty: no login):' })).trim();
  const smtpPassEnv = smtpUser
    ? (
        await input({
          message: 'Env var that will hold the SMTP password (it is never stored in the config):',
          default: 'SMTP_PASS',
          validate: (v) => ENV_NAME_RE.test(v.trim()) || 'a variable name like SMTP_PASS',
        })
      ).trim()
    : undefined;
  return {
    to: to.trim(),
    from: from.trim(),
    smtpHost: smtpHost.trim(),
    smtpPort,
    secure: smtpPort === 465,
    ...(smtpUser ? { smtpUser } : {}),
    ...(smtpPassEnv ? { smtpPassEnv } : {}),
  };
}

/** Run the questions; returns the plan to apply. */
export async function runWizard(currentAgent: string, env: Record<string, string>): Promise<OnboardPlan> {
  const { select, password, input } = await import('@inquirer/prompts');
  const choices = Object.values(PROVIDERS)
    .filter((p) => p.types.includes('api_key') || p.types.includes('token'))
    .map((p) => ({ name: p.label, value: p.id }));
  const provider = await select({
    message: 'Which model provider?',
    choices: [...choices, { name: 'Skip (no credential now)', value: '' }],
  });
  const plan: OnboardPlan = { store: 'profile', force: false };
  if (provider) {
    const p = own(PROVIDERS, provider);
    const types = p?.types ?? [];
    let authChoice: 'api-key' | 'token' = types.includes('api_key') ? 'api-key' : 'token';
    if (types.includes('api_key') && types.includes('token')) {
      authChoice = await select({
        message: 'Credential type:',
        choices: [
          { name: 'API key (recommended)', value: 'api-key' as const },
          {
            name: provider === 'anthropic' ? 'setup-token (Claude subscription, `claude setup-token`)' : 'token',
            value: 'token' as const,
          },
        ],
      });
    }
    const type = authChoice === 'token' ? 'token' : 'api_key';
    if (provider === 'anthropic' && type === 'token') {
      const claude = findOnPath('claude', env.PATH);
      if (claude) spawnSync(claude, ['setup-token'], { stdio: 'inherit' });
      else
        io().stdout.write(
          '`claude` is not on PATH: run `claude setup-token` on a machine with Claude Code and paste the token here.\n',
        );
    }
    const raw = await password({
      message: `Paste the ${p?.label ?? provider} ${type === 'token' ? 'token' : 'API key'} (hidden):`,
      mask: false,
      validate: (v) => secretProblem(provider, type, normalizeSecret(v)) ?? true,
    });
    Object.assign(plan, { provider, authChoice, secret: normalizeSecret(raw) });
    if (type === 'api_key' && p?.envVars[0]) {
      plan.store = await select({
        message: 'Where should aipro keep it?',
        choices: [
          { name: 'aipro auth store (auth-profiles.json, mode 600)', value: 'profile' as const },
          { name: `~/.aipro/.env as ${p.envVars[0]} (read by the systemd services)`, value: 'env' as const },
        ],
      });
    }
  }
  const agent = (
    await input({
      message: 'Default agent:',
      default: currentAgent,
      validate: (v) => AGENT_ID_RE.test(v.trim()) || 'letters, digits, ".", "_" or "-"',
    })
  ).trim();
  plan.agent = agent;
  const alert = await askAlert();
  if (alert) plan.alert = alert;
  return plan;
}
