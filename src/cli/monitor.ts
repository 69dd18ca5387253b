/**
 * `aipro monitor [--once] [--log-format text|json] [--listen ADDR] [--json]`: the monitor
 * daemon (what `npm start` runs), or one pass for systemd timers and cron. Everything
 * heavy (prom-client, node-cron, http) loads inside the action.
 */
import type { Command } from 'commander';
import { EXIT, usageError } from './errors.js';
import { io, setExitCode } from './io.js';

interface MonitorFlags {
  once?: boolean;
  logFormat?: string;
  listen?: string;
  json?: boolean;
}

export function register(program: Command): void {
  program
    .command('monitor')
    .description(
      'run the monitor daemon: schedules the expiry/validity/store/refresh monitors, serves /metrics /healthz ' +
        '/readyz, sends alerts',
    )
    .option('--once', 'run every monitor once, write the textfile, send alerts, exit 0 ok / 1 broken / 2 expiring')
    .option('--log-format <format>', 'log lines as text or json (on stderr)', 'text')
    .option('--listen <addr>', 'serve /metrics on host:port (default: monitor.listen = 127.0.0.1:18790)')
    .option('--json', 'with --once: print the summary as JSON')
    .addHelpText(
      'after',
      `
Signals: SIGTERM/SIGINT finish the running cycle and exit 0; SIGHUP reloads the config
(a bad config is refused and the old one kept). Schedules: monitor.schedules.<name>.

Exit codes (--once): 0 ok · 1 expired/missing/invalid/rejected/refresh_failed, or the check
could not run (unreadable store, bad config) · 2 expiring · 64 usage error

/readyz: 503 until the first expiry cycle is done, and while any auth store cannot be read
(the body names the agent, reason and path). An unreadable store sets aipro_auth_store_ok 0,
keeps the agent's last good series and fails the run (no _last_success_ update).

Examples:
  aipro monitor                                  # daemon on 127.0.0.1:18790
  aipro monitor --log-format json --listen 0.0.0.0:18790
  aipro monitor --once                           # for a systemd timer or cron
  aipro config set monitor.textfile.path /var/lib/prometheus/node-exporter/aipro.prom
  curl -s 127.0.0.1:18790/metrics | grep aipro_auth_profile_status`,
    )
    .action(async (flags: MonitorFlags) => {
      const format = flags.logFormat ?? 'text';
      if (format !== 'text' && format !== 'json')
        throw usageError(`--log-format must be text or json, got "${format}"`);
      if (flags.json && !flags.once)
        throw usageError('--json only applies to --once (the daemon logs JSON with --log-format json)');
      if (flags.once) {
        const { runOnce } = await import('../daemon/once.js');
        const { env, stdout, stderr } = io();
        const res = await runOnce({
          logFormat: format,
          json: Boolean(flags.json),
          processEnv: env,
          out: (t) => stdout.write(t),
          write: (line) => stderr.write(`${line}\n`),
        });
        setExitCode(res.exitCode);
        // Alert delivery still hanging after its timeout must not keep a timer job alive.
        if (res.alertsBusy) process.exit(res.exitCode);
        return;
      }
      const { startDaemon } = await import('../daemon/daemon.js');
      const daemon = await startDaemon({
        logFormat: format,
        ...(flags.listen !== undefined ? { listen: flags.listen } : {}),
      });
      const code = await daemon.done;
      setExitCode(code);
      // Anything still holding the event loop (a hung alert channel) must not keep a stopped daemon alive.
      setTimeout(() => process.exit(code), 2000).unref();
      if (code !== EXIT.OK) process.exit(code);
    });
}
