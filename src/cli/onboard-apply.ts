/**
 * Carrying out an onboarding plan (from the wizard or from flags): config first (default
 * agent, alert channel), then the credential (auth store or `~/.aipro/.env`), then the
 * status summary and the next steps.
 */
import { hostname } from 'node:os';
import { getProvider } from '../providers/index.js';
import { daemonEnvPath } from '../store/paths.js';
import { fingerprint } from '../store/secrets.js';
import { saveSecret, secretProblem } from './auth-secrets.js';
import { section, updateConfigFile } from '../config/file.js';
import { loadContext } from '../context.js';
import { writeDaemonEnv } from '../env/file.js';
import { CliError, EXIT } from './errors.js';
import { contextOptions, io } from './io.js';

export interface AlertPlan {
  to: string;
  from: string;
  smtpHost: string;
  smtpPort: number;
  secure: boolean;
  smtpUser?: string;
  /** Env var holding the SMTP password (never the password itself). */
  smtpPassEnv?: string;
}

export interface OnboardPlan {
  provider?: string;
  authChoice?: 'api-key' | 'token';
  secret?: string;
  store: 'profile' | 'env';
  profileId?: string;
  expiresIn?: string;
  agent?: string;
  alert?: AlertPlan;
  /** Replace an existing different key in ~/.aipro/.env. */
  force: boolean;
}

export function defaultFrom(): string {
  return `aipro@${hostname() || 'localhost'}`;
}

/** The `alerts.channels.ops-mail` entry; the password is an env reference. */
export function alertChannel(a: AlertPlan): Record<string, unknown> {
  const smtp: Record<string, unknown> = { host: a.smtpHost, port: a.smtpPort, secure: a.secure };
  if (a.smtpUser) smtp.user = a.smtpUser;
  if (a.smtpPassEnv) smtp.pass = { source: 'env', id: a.smtpPassEnv };
  return { type: 'email', to: [a.to], from: a.from, smtp };
}

async function applyConfig(plan: OnboardPlan, env: Record<string, string>, currentDefault: string): Promise<string[]> {
  const done: string[] = [];
  const setAgent = plan.agent !== undefined && plan.agent !== currentDefault;
  if (!setAgent && !plan.alert) return done;
  await updateConfigFile(env, 'writing the onboarding settings', (raw) => {
    if (setAgent) section(raw, 'agents').default = plan.agent;
    if (plan.alert) section(raw, 'alerts', 'channels')['ops-mail'] = alertChannel(plan.alert);
    return { raw, result: null };
  });
  if (setAgent) done.push(`default agent: ${plan.agent}`);
  if (plan.alert)
    done.push(`alert channel ops-mail: mail to ${plan.alert.to} via ${plan.alert.smtpHost}:${plan.alert.smtpPort}`);
  return done;
}

async function applyCredential(plan: OnboardPlan): Promise<string[]> {
  if (!plan.provider || plan.secret === undefined) return [];
  const type = plan.authChoice === 'token' ? 'token' : 'api_key';
  const ctx = loadContext(contextOptions());
  if (plan.store === 'profile') {
    await saveSecret(
      ctx,
      type,
      {
        provider: plan.provider,
        ...(plan.profileId ? { profileId: plan.profileId } : {}),
        ...(plan.expiresIn ? { expiresIn: plan.expiresIn } : {}),
        ...(plan.agent ? { agent: plan.agent } : {}),
      },
      plan.secret,
    );
    return [];
  }
  const name = getProvider(plan.provider)?.envVars[0];
  if (!name)
    throw new CliError(
      `onboarding: ${plan.provider} has no API key env var; store the credential in the auth store instead ` +
        `(--store profile)`,
    );
  const res = await writeDaemonEnv(ctx.env, name, plan.secret, plan.force);
  if (!res.ok)
    throw new CliError(
      `onboarding: ${res.detail}; nothing was changed. Re-run with --force to replace it, or edit ${res.path} by hand.`,
    );
  const what =
    res.action === 'unchanged' ? 'already held' : res.action === 'replaced' ? 'now holds (replaced)' : 'now holds';
  return [`${res.path} ${what} ${name} (${fingerprint(plan.secret)}) for the systemd services`];
}

/** Apply the plan and print what happened, the status and the next steps. */
export async function applyPlan(plan: OnboardPlan): Promise<number> {
  if (plan.provider && plan.secret !== undefined) {
    // Check the secret before anything is written, so a bad paste changes nothing.
    const problem = secretProblem(plan.provider, plan.authChoice === 'token' ? 'token' : 'api_key', plan.secret);
    if (problem)
      throw new CliError(
        `onboarding: the ${plan.provider} credential was not saved: ${problem}. Nothing was written; run the ` +
          `command again with the whole value on stdin.`,
      );
  }
  const before = loadContext(contextOptions());
  const lines = await applyConfig(plan, before.env, before.config.agents.default);
  lines.push(...(await applyCredential(plan)));
  for (const l of lines) io().stdout.write(`${l}\n`);
  io().stdout.write('\nCurrent status:\n');
  const { modelsStatus } = await import('./models-status.js');
  // The summary is information here; onboarding itself succeeded.
  await modelsStatus(plan.agent ? { agent: plan.agent } : {});
  const next = [
    '',
    'Next steps:',
    '  aipro models status --check    # exit 0 ok, 1 broken, 2 expiring',
    '  aipro doctor                   # state, env, stores, units',
  ];
  if (plan.store === 'env') next.push(`  aipro systemd install --user    # services read ${daemonEnvPath(before.env)}`);
  if (plan.alert?.smtpPassEnv)
    next.push(
      `  put ${plan.alert.smtpPassEnv}=… into ${daemonEnvPath(before.env)} (mode 600), then: aipro alerts test`,
    );
  else if (plan.alert) next.push('  aipro alerts test');
  io().stdout.write(`${next.join('\n')}\n`);
  return EXIT.OK;
}
