/**
 * `aipro models auth …` (paste-token, setup-token, add-key, list, remove, order, import
 * openclaw). Registration only: each action imports its implementation on demand, so
 * `models status` never loads the lock/atomic-write code. `auth` and `auth import` are
 * found-or-created because `models-oauth.ts` adds login / import claude-code|codex too.
 */
import type { Command } from 'commander';
import type { SecretCmdOptions } from './auth-secrets.js';
import type { OrderOptions } from './auth-profiles.js';
import { setExitCode } from './io.js';

const SECRET_NOTE = `
The secret is read from a hidden prompt on a terminal, else from ALL of stdin (spaces
and line breaks are stripped). It is never taken from a flag: flags land in shell history.`;

/** Find a subcommand by name or create it (several files add to the same tree). */
export function subcommand(parent: Command, name: string, description: string): Command {
  return parent.commands.find((c) => c.name() === name) ?? parent.command(name).description(description);
}

function setExit(p: Promise<number>): Promise<void> {
  return p.then((code) => {
    setExitCode(code);
  });
}

export function register(program: Command): void {
  const models = subcommand(program, 'models', 'credential status and auth profiles');
  const auth = subcommand(models, 'auth', 'add, list, remove, order and import auth profiles');

  auth
    .command('paste-token')
    .description('store a token (any provider) from a hidden prompt or stdin; default id <provider>:manual')
    .requiredOption('--provider <p>', 'provider id, e.g. anthropic, openrouter')
    .option('--profile-id <id>', 'profile id (default <provider>:manual)')
    .option('--expires-in <duration>', 'record when the token expires, e.g. 365d, 12h')
    .option('--agent <id>', 'agent whose store to write (default: agents.default)')
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      `${SECRET_NOTE}\n\nExamples:\n  aipro models auth paste-token --provider anthropic\n  pbpaste | aipro models ` +
        `auth paste-token --provider anthropic --expires-in 365d\n  aipro models auth paste-token --provider ` +
        `openrouter --profile-id openrouter:work < token.txt`,
    )
    .action((opts: SecretCmdOptions) => setExit(import('./auth-secrets.js').then((m) => m.pasteToken(opts))));

  auth
    .command('setup-token')
    .description('run `claude setup-token` on this host, then store the token it prints (needs a TTY)')
    .requiredOption('--provider <p>', 'only anthropic')
    .option('--profile-id <id>', 'profile id (default anthropic:manual)')
    .option('--expires-in <duration>', 'token lifetime to record (setup-tokens last a year)', '365d')
    .option('--agent <id>', 'agent whose store to write (default: agents.default)')
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      '\nWithout a terminal or without `claude` on PATH, use paste-token instead.\n\nExamples:\n  aipro models ' +
        'auth setup-token --provider anthropic\n  claude setup-token   # on another machine, then:\n  aipro models ' +
        'auth paste-token --provider anthropic',
    )
    .action((opts: SecretCmdOptions) => setExit(import('./auth-secrets.js').then((m) => m.setupToken(opts))));

  auth
    .command('add-key')
    .description('store an API key from a hidden prompt or stdin; default id <provider>:default')
    .requiredOption('--provider <p>', 'provider id, e.g. anthropic, openai, google')
    .option('--profile-id <id>', 'profile id (default <provider>:default)')
    .option('--agent <id>', 'agent whose store to write (default: agents.default)')
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      `${SECRET_NOTE}\n\nExamples:\n  aipro models auth add-key --provider anthropic\n  printf '%s' "$KEY" | aipro ` +
        `models auth add-key --provider openai --profile-id openai:work`,
    )
    .action((opts: SecretCmdOptions) => setExit(import('./auth-secrets.js').then((m) => m.addKey(opts))));

  auth
    .command('list')
    .description('list the profiles of an agent: id, provider, type, fingerprint, expiry (never secrets)')
    .option('--agent <id>', 'agent (default: agents.default)')
    .option('--json', 'machine-readable output')
    .option('--wide', 'on a terminal, show every column (pipes always get them)')
    .addHelpText('after', '\nExamples:\n  aipro models auth list\n  aipro models auth list --agent work --json')
    .action((opts: { agent?: string; json?: boolean; wide?: boolean }) =>
      setExit(import('./auth-profiles.js').then((m) => m.list(opts))),
    );

  auth
    .command('remove <profileId>')
    .description('delete a profile and every reference to it (order, lastGood, usage, config)')
    .option('--agent <id>', 'agent (default: agents.default)')
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      '\nExamples:\n  aipro models auth remove anthropic:manual\n  aipro models auth remove openai:work --agent work',
    )
    .action((id: string, opts: { agent?: string; json?: boolean }) =>
      setExit(import('./auth-profiles.js').then((m) => m.remove(id, opts))),
    );

  const order = auth
    .command('order')
    .description("which profile of a provider is tried first (stored in the agent's auth-profiles.json)")
    .addHelpText(
      'after',
      '\nExamples:\n  aipro models auth order get --provider anthropic\n  aipro models auth order set --provider ' +
        'anthropic anthropic:work anthropic:default\n  aipro models auth order clear --provider anthropic',
    );
  const orderCmd = (name: string, description: string) =>
    order
      .command(name)
      .description(description)
      .requiredOption('--provider <p>', 'provider id')
      .option('--agent <id>', 'agent (default: agents.default)')
      .option('--json', 'machine-readable output');
  orderCmd('get', 'print the stored order of a provider')
    .addHelpText(
      'after',
      '\nExamples:\n  aipro models auth order get --provider anthropic\n  aipro models auth order get --provider ' +
        'anthropic --agent work --json',
    )
    .action((opts: OrderOptions) => setExit(import('./auth-profiles.js').then((m) => m.orderGet(opts))));
  orderCmd('set', 'set the order; every id must exist in the store and belong to the provider')
    .argument('<ids...>', 'profile ids, first tried first')
    .addHelpText(
      'after',
      '\nExamples:\n  aipro models auth order set --provider anthropic anthropic:work anthropic:default',
    )
    .action((ids: string[], opts: OrderOptions) =>
      setExit(import('./auth-profiles.js').then((m) => m.orderSet(ids, opts))),
    );
  orderCmd('clear', 'remove the stored order (config order or all profiles apply again)')
    .addHelpText('after', '\nExamples:\n  aipro models auth order clear --provider anthropic')
    .action((opts: OrderOptions) => setExit(import('./auth-profiles.js').then((m) => m.orderClear(opts))));

  const imp = subcommand(auth, 'import', 'import credentials from another tool (openclaw, claude-code, codex)');
  imp
    .command('openclaw')
    .description('copy OpenClaw stores (DIR/agents/*/agent/auth-profiles.json) into aipro unchanged')
    .option('--from <dir>', 'OpenClaw state dir', '~/.openclaw')
    .option(
      '--force',
      'replace an existing aipro store that differs (kept as .bak); on the postgres store: merge into it',
    )
    .option('--json', 'machine-readable report')
    .addHelpText(
      'after',
      '\nExamples:\n  aipro models auth import openclaw\n  aipro models auth import openclaw --from /srv/openclaw ' +
        '--json',
    )
    .action((opts: { from?: string; force?: boolean; json?: boolean }) =>
      setExit(import('./auth-import-openclaw.js').then((m) => m.importOpenclaw(opts))),
    );
}
