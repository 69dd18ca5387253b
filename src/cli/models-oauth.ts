/**
 * `aipro models auth login | import claude-code|codex | sync | detach`: OAuth sign-in and the
 * import of credentials other CLIs keep. The `auth` and `import` commands are shared
 * with models-auth.ts (find-or-create), and all work happens in lazily loaded modules.
 */
import type { Command } from 'commander';
import { loadContext } from '../context.js';
import { contextOptions, setExitCode } from './io.js';

interface LoginOpts {
  provider?: string;
  browser?: boolean;
  profileId?: string;
  agent?: string;
  json?: boolean;
}
interface ImportOpts {
  from?: string;
  profileId?: string;
  agent?: string;
  json?: boolean;
}

function sub(parent: Command, name: string, description: string): Command {
  return parent.commands.find((c) => c.name() === name) ?? parent.command(name).description(description);
}

export function register(program: Command): void {
  const models =
    program.commands.find((c) => c.name() === 'models') ??
    program.command('models').description('credential status and auth profiles');
  const auth = sub(models, 'auth', 'add, import, list and remove auth profiles');

  auth
    .command('login')
    .description('sign in with OAuth (PKCE) and store an oauth profile')
    .requiredOption('--provider <p>', 'anthropic or openai-codex')
    .option(
      '--no-browser',
      'do not open a browser: print the URL and read the pasted redirect URL (or code#state) from stdin',
    )
    .option('--profile-id <id>', 'profile id (default <provider>:<email>, else <provider>:default)')
    .option('--agent <id>', 'agent whose store receives the profile (default: agents.default)')
    .option('--json', 'print the stored profile id, email and expiry as JSON')
    .addHelpText(
      'after',
      '\nExamples:\n  aipro models auth login --provider openai-codex\n  aipro models auth login --provider ' +
        'anthropic --no-browser\n  aipro models auth login --provider openai-codex --profile-id openai-codex:work ' +
        '--agent ops',
    )
    .action(async (opts: LoginOpts) => {
      const { runLogin } = await import('./models-oauth-actions.js');
      setExitCode(await runLogin(loadContext(contextOptions()), opts));
    });

  const imp = sub(auth, 'import', 'import credentials from other tools (claude-code, codex, openclaw)');
  for (const source of ['claude-code', 'codex'] as const) {
    const file = source === 'claude-code' ? '~/.claude/.credentials.json' : '~/.codex/auth.json';
    imp
      .command(source)
      .description(
        `import the OAuth credential of the ${source === 'claude-code' ? 'Claude Code' : 'Codex'} CLI (${file})`,
      )
      .option('--from <path>', `the file, or the directory holding it (default ${file})`)
      .option(
        '--profile-id <id>',
        `profile id (default ${source === 'claude-code' ? 'anthropic:claude-code' : 'openai-codex:codex'})`,
      )
      .option('--agent <id>', 'agent whose store receives the profile (default: agents.default)')
      .option('--json', 'print the result as JSON')
      .addHelpText(
        'after',
        `\nExamples:\n  aipro models auth import ${source}\n  aipro models auth import ${source} --from ` +
          `/home/alice/${file.slice(2)}`,
      )
      .action(async (opts: ImportOpts) => {
        const { runImport } = await import('./models-oauth-import.js');
        setExitCode(await runImport(loadContext(contextOptions()), source, opts));
      });
  }

  auth
    .command('detach')
    .description(
      'make aipro the refresher of a profile imported from Claude Code or Codex (it stops following the CLI)',
    )
    .argument('<id>', 'profile id, e.g. anthropic:claude-code')
    .option('--agent <id>', 'agent whose store holds the profile (default: agents.default)')
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      "\nImported profiles are not refreshed by aipro: it re-reads the CLI's file or Keychain item and takes\nthe " +
        "CLI's newer tokens, because refresh tokens rotate and two refreshers log each other out.\nAfter detach, " +
        'aipro refreshes the profile and the CLI needs its own login again.\n\nExamples:\n  aipro models auth detach ' +
        'anthropic:claude-code\n  aipro models auth detach openai-codex:codex --agent ops',
    )
    .action(async (id: string, opts: { agent?: string; json?: boolean }) => {
      const { runDetach } = await import('./models-oauth-import.js');
      setExitCode(await runDetach(loadContext(contextOptions()), id, opts));
    });

  auth
    .command('sync')
    .description(
      're-import profiles whose external file (Claude Code, Codex) changed; never replaces a newer token of ours',
    )
    .option('--agent <id>', 'agent to sync (default: agents.default)')
    .option('--json', 'print one result per imported profile as JSON')
    .addHelpText('after', '\nExamples:\n  aipro models auth sync\n  aipro models auth sync --json')
    .action(async (opts: { agent?: string; json?: boolean }) => {
      const { runSync } = await import('./models-oauth-import.js');
      setExitCode(await runSync(loadContext(contextOptions()), opts));
    });
}
