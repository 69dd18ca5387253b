/**
 * `aipro store migrate | copy | rekey`: manage the fleet store in PostgreSQL. The database
 * code (and the pg driver) load only when one of these runs.
 */
import type { Command } from 'commander';
import { loadContext } from '../context.js';
import { CliError, EXIT, usageError } from './errors.js';
import { contextOptions, setExitCode } from './io.js';

const BACKENDS = ['file', 'postgres'];

export function register(program: Command): void {
  const store = program
    .command('store')
    .description('manage the shared PostgreSQL store: migrate the schema, copy stores in/out, rotate the key')
    .addHelpText(
      'after',
      `
The database comes from store.postgres.url (or AIPRO_STORE_POSTGRES_URL); secrets are sealed
with AIPRO_STORE_KEY (32 bytes, base64). See docs/fleet.md.

Examples:
  aipro store migrate
  aipro store copy --from file --to postgres
  AIPRO_STORE_OLD_KEY=<old> AIPRO_STORE_KEY=<new> aipro store rekey`,
    );

  store
    .command('migrate')
    .description('create or upgrade the store schema (idempotent)')
    .option('--json', 'machine-readable result')
    .addHelpText(
      'after',
      '\nExit codes: 0 schema current (also when nothing was to do) · 1 failed\n\nExamples:\n  aipro store migrate',
    )
    .action(async (opts: { json?: boolean }) => {
      const { storeMigrate } = await import('./store-commands.js');
      setExitCode(await storeMigrate(loadContext(contextOptions()), opts));
    });

  store
    .command('copy')
    .description(
      'copy auth stores between the file and postgres backends (never replaces newer tokens with older ones)',
    )
    .requiredOption('--from <backend>', 'file or postgres')
    .requiredOption('--to <backend>', 'file or postgres')
    .option('--agent <id>', 'only this agent (default: every agent in the source)')
    .option('--json', 'machine-readable result')
    .addHelpText(
      'after',
      '\nExit codes: 0 copied (or nothing to do) · 1 failed · 64 usage\n\nExamples:\n  aipro store copy --from ' +
        'file --to postgres\n  aipro store copy --from postgres --to file --agent main',
    )
    .action(async (opts: { from: string; to: string; agent?: string; json?: boolean }) => {
      if (!BACKENDS.includes(opts.from) || !BACKENDS.includes(opts.to))
        throw usageError('--from and --to take file or postgres (e.g. aipro store copy --from file --to postgres)');
      if (opts.from === opts.to)
        throw usageError('--from and --to must differ (e.g. aipro store copy --from file --to postgres)');
      const { storeCopy } = await import('./store-commands.js');
      setExitCode(
        await storeCopy(
          loadContext(contextOptions()),
          opts as { from: 'file' | 'postgres'; to: 'file' | 'postgres'; agent?: string; json?: boolean },
        ),
      );
    });

  store
    .command('rekey')
    .description(
      're-seal every secret in the postgres store under AIPRO_STORE_KEY (old key in AIPRO_STORE_OLD_KEY), in one ' +
        'transaction',
    )
    .option('--json', 'machine-readable result')
    .addHelpText(
      'after',
      '\nExit codes: 0 every secret sealed under the new key · 1 failed (nothing changed)\n\nExamples:\n  ' +
        'AIPRO_STORE_OLD_KEY="$(cat old.key)" AIPRO_STORE_KEY="$(cat new.key)" aipro store rekey',
    )
    .action(async (opts: { json?: boolean }) => {
      const { storeRekey } = await import('./store-commands.js');
      setExitCode(await storeRekey(loadContext(contextOptions()), opts));
    });

  store.action(() => {
    throw new CliError(
      'choose a subcommand: aipro store migrate | copy --from file --to postgres | rekey (see aipro store --help)',
      EXIT.USAGE,
    );
  });
}
