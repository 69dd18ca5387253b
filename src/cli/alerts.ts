/**
 * `aipro alerts test | status | silence`: try every channel, show episodes / silences / outbox,
 * mute one profile for a while. The alert modules load only when a subcommand runs.
 */
import type { Command } from 'commander';
import { loadContext } from '../context.js';
import { usageError } from './errors.js';
import { contextOptions, setExitCode } from './io.js';

export function register(program: Command): void {
  const alerts = program
    .command('alerts')
    .description('test channels, show alert state, silence a profile')
    .addHelpText(
      'after',
      `
Channels live under alerts.channels.<name> in ~/.aipro/aipro.json, e.g.
  aipro config set alerts.channels.ops '{"type":"email","to":["ops@example.com"],
    "smtp":{"host":"smtp.example.com","port":587,"user":"aipro","pass":{"source":"env","id":"SMTP_PASS"}}}'

Examples:
  aipro alerts test
  aipro alerts status --json
  aipro alerts silence anthropic:work --for 2d`,
    );

  alerts
    .command('test')
    .description('send a clearly marked test notification through each channel and report per channel')
    .option('--channel <name>', 'only this channel')
    .option('--json', 'machine-readable result')
    .addHelpText(
      'after',
      '\nExit codes: 0 every channel delivered · 1 a channel failed or none is configured · 64 ' +
        'usage\n\nExamples:\n  aipro alerts test\n  aipro alerts test --channel ops-mail\n  aipro alerts test --json',
    )
    .action(async (opts: { channel?: string; json?: boolean }) => {
      const { alertsTest } = await import('./alerts-commands.js');
      setExitCode(await alertsTest(loadContext(contextOptions()), opts));
    });

  alerts
    .command('status')
    .description('show firing episodes, their next reminder, silences and the outbox')
    .option('--json', 'machine-readable output')
    .addHelpText('after', "\nExamples:\n  aipro alerts status\n  aipro alerts status --json | jq '.outbox'")
    .action(async (opts: { json?: boolean }) => {
      const { alertsStatus } = await import('./alerts-commands.js');
      setExitCode(await alertsStatus(loadContext(contextOptions()), opts));
    });

  alerts
    .command('silence')
    .description('mute firing notifications of one profile (on every agent) for a while')
    .argument('<profileId>', 'profile id, e.g. anthropic:work')
    .option('--for <duration>', 'how long: 30m, 12h, 2d, 1w')
    .option('--remove', 'end the silence now')
    .addHelpText(
      'after',
      '\nA silence stops firing notifications (reminders, repeats) for the profile; the ladder still ' +
        'advances,\nand a `resolved` is still sent when the problem ends.\n\nExamples:\n  aipro alerts silence ' +
        'anthropic:work --for 2d\n  aipro alerts silence anthropic:work --remove',
    )
    .action(async (profileId: string, opts: { for?: string; remove?: boolean }) => {
      if (Boolean(opts.for) === Boolean(opts.remove))
        throw usageError(
          'give exactly one of --for <duration> or --remove (e.g. aipro alerts silence anthropic:work --for 2d)',
        );
      if (!/^\S+$/.test(profileId)) throw usageError(`invalid profile id "${profileId}" (e.g. anthropic:work)`);
      const { alertsSilence } = await import('./alerts-commands.js');
      setExitCode(await alertsSilence(loadContext(contextOptions()), profileId, opts));
    });
}
