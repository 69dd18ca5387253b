/**
 * Running a service manager's command line (`systemctl`, `launchctl`) from an installer:
 * bounded, output captured, failures as data. Plus quoting argv for "run this by hand".
 */
import { spawnSync } from 'node:child_process';

export interface CommandResult {
  ok: boolean;
  code: number | null;
  /** stdout + stderr, trimmed (systemctl puts its reasons on stderr). */
  output: string;
}

/** Run `argv` (e.g. `['systemctl', '--user', 'daemon-reload']`), bounded by `timeoutMs`. */
export function runCommand(
  argv: string[],
  env: Readonly<Record<string, string | undefined>> = process.env,
  timeoutMs = 30_000,
): CommandResult {
  const [cmd, ...args] = argv;
  const res = spawnSync(cmd as string, args, {
    encoding: 'utf8',
    timeout: timeoutMs,
    env: env as NodeJS.ProcessEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (res.error)
    return {
      ok: false,
      code: null,
      output: `${cmd}: ${(res.error as NodeJS.ErrnoException).code ?? res.error.message}`,
    };
  return { ok: res.status === 0, code: res.status, output: `${res.stdout ?? ''}${res.stderr ?? ''}`.trim() };
}

/** Quote argv for display as a shell command line. */
export function shellLine(argv: string[]): string {
  return argv.map((a) => (/^[A-Za-z0-9_@%+=:,./-]+$/.test(a) ? a : `'${a.replaceAll("'", "'\\''")}'`)).join(' ');
}
