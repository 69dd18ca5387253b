/**
 * `aipro onboard`: first-time setup. Interactive (a wizard) on a terminal, or
 * `--non-interactive` with flags for scripts; the secret then comes from stdin
 * (`--secret-stdin`), never from a flag.
 */
import type { Command } from 'commander';
import { CliError, usageError } from './errors.js';
import type { OnboardPlan } from './onboard-apply.js';
import { contextOptions, io, setExitCode } from './io.js';

export interface OnboardOptions {
  nonInteractive?: boolean;
  provider?: string;
  authChoice?: string;
  secretStdin?: boolean;
  store?: string;
  profileId?: string;
  expiresIn?: string;
  agent?: string;
  alertEmail?: string;
  alertFrom?: string;
  smtpHost?: string;
  smtpPort?: string;
  smtpUser?: string;
  smtpPassEnv?: string;
  smtpSecure?: boolean;
  force?: boolean;
}

/** Turn flags into a plan (secret read from stdin). Usage errors name the flag. */
async function planFromFlags(o: OnboardOptions): Promise<OnboardPlan> {
  const { checkProvider } = await import('./auth-secrets.js');
  const { defaultFrom } = await import('./onboard-apply.js');
  const { readAll, normalizeSecret } = await import('./prompt-secret.js');
  const plan: OnboardPlan = { store: o.store === 'env' ? 'env' : 'profile', force: Boolean(o.force) };
  if (o.store !== undefined && o.store !== 'env' && o.store !== 'profile')
    throw usageError(`--store must be profile or env, got "${o.store}"`);
  if (o.agent !== undefined) plan.agent = o.agent;
  if (o.provider) {
    const choice = o.authChoice ?? 'api-key';
    if (choice !== 'api-key' && choice !== 'token')
      throw usageError(`--auth-choice must be api-key or token, got "${choice}"`);
    checkProvider(o.provider, choice === 'token' ? 'token' : 'api_key');
    if (choice === 'token' && plan.store === 'env')
      throw usageError('--store env holds API keys only; tokens go to the auth store (--store profile)');
    if (!o.secretStdin)
      throw usageError(
        '--non-interactive with --provider needs --secret-stdin (pipe the key or token on stdin; secrets are never ' +
          'flags)',
      );
    const secret = normalizeSecret(await readAll(io().stdin));
    Object.assign(plan, {
      provider: o.provider,
      authChoice: choice,
      secret,
      ...(o.profileId ? { profileId: o.profileId } : {}),
      ...(o.expiresIn ? { expiresIn: o.expiresIn } : {}),
    });
  } else if (o.secretStdin || o.authChoice) {
    throw usageError('--secret-stdin and --auth-choice need --provider');
  }
  if (o.alertEmail) {
    if (!o.smtpHost) throw usageError('--alert-email needs --smtp-host');
    const port = o.smtpPort === undefined ? 587 : Number(o.smtpPort);
    if (!Number.isInteger(port) || port < 1 || port > 65535)
      throw usageError(`--smtp-port must be 1-65535, got "${o.smtpPort}"`);
    if (o.smtpPassEnv && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(o.smtpPassEnv))
      throw usageError(`--smtp-pass-env must be an env var name like SMTP_PASS`);
    plan.alert = {
      to: o.alertEmail,
      from: o.alertFrom ?? defaultFrom(),
      smtpHost: o.smtpHost,
      smtpPort: port,
      secure: o.smtpSecure ?? port === 465,
      ...(o.smtpUser ? { smtpUser: o.smtpUser, smtpPassEnv: o.smtpPassEnv ?? 'SMTP_PASS' } : {}),
    };
  }
  return plan;
}

async function onboard(o: OnboardOptions): Promise<number> {
  const { applyPlan } = await import('./onboard-apply.js');
  if (o.nonInteractive) return applyPlan(await planFromFlags(o));
  if (!io().stdin.isTTY) {
    throw new CliError(
      'onboarding: the wizard needs a terminal. For scripts use `aipro onboard --non-interactive --provider ' +
        'anthropic --secret-stdin < key.txt` (see `aipro onboard --help`).',
    );
  }
  const { loadContext } = await import('../context.js');
  const ctx = loadContext(contextOptions());
  const { runWizard } = await import('./onboard-wizard.js');
  const plan = await runWizard(ctx.config.agents.default, ctx.env);
  plan.force = Boolean(o.force);
  return applyPlan(plan);
}

export function register(program: Command): void {
  program
    .command('onboard')
    .description('first-time setup: a credential, where to keep it, the default agent, alert mail')
    .option('--non-interactive', 'no questions; use the flags below')
    .option('--provider <p>', 'provider id, e.g. anthropic')
    .option('--auth-choice <kind>', 'api-key (default) or token')
    .option('--secret-stdin', 'read the key or token from stdin')
    .option('--store <where>', 'profile (auth store, default) or env (~/.aipro/.env, for systemd)')
    .option('--profile-id <id>', 'profile id (default <provider>:default, or :manual for tokens)')
    .option('--expires-in <duration>', 'token lifetime to record, e.g. 365d')
    .option('--agent <id>', 'store into this agent and make it agents.default')
    .option('--alert-email <addr>', 'send alert mail to this address (alerts.channels.ops-mail)')
    .option('--alert-from <addr>', 'sender address (default aipro@<hostname>)')
    .option('--smtp-host <host>', 'SMTP server')
    .option('--smtp-port <port>', 'SMTP port (default 587)')
    .option('--smtp-user <user>', 'SMTP login user')
    .option('--smtp-pass-env <NAME>', 'env var holding the SMTP password (default SMTP_PASS)')
    .option('--smtp-secure', 'TLS from the first byte (port 465); default STARTTLS')
    .option('--force', 'replace a different existing key in ~/.aipro/.env')
    .addHelpText(
      'after',
      `
Examples:
  aipro onboard
  aipro onboard --non-interactive --provider anthropic --secret-stdin < key.txt
  printenv ANTHROPIC_API_KEY | aipro onboard --non-interactive --provider anthropic --store env --secret-stdin
  aipro onboard --non-interactive --alert-email ops@example.com --smtp-host smtp.example.com --smtp-user aipro`,
    )
    .action(async (o: OnboardOptions) => {
      setExitCode(await onboard(o));
    });
}
