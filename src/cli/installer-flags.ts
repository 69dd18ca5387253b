/**
 * Flag plumbing shared by the service installers (`aipro systemd …`, `aipro launchd …`):
 * both take --user/--system with the same default and the same usage error, and both
 * print a report either as JSON (with an ok field) or as text.
 */
import type { ServiceFlavour } from '../util/service-input.js';
import { usageError } from './errors.js';
import { io } from './io.js';

export const FLAVOUR_HELP = 'default: --system when run as root, else --user';

/** --user or --system; neither means root gets system services and anyone else user ones. */
export function flavourOf(flags: { user?: boolean; system?: boolean }): ServiceFlavour {
  if (flags.user && flags.system) throw usageError('--user and --system cannot be combined');
  if (flags.user) return 'user';
  if (flags.system) return 'system';
  return typeof process.getuid === 'function' && process.getuid() === 0 ? 'system' : 'user';
}

/** An uninstall report on stdout: JSON with `ok`, or the formatted text. */
export function writeUninstall<R extends object>(
  report: R,
  failed: boolean,
  json: boolean | undefined,
  format: (r: R) => string,
): void {
  if (json) io().stdout.write(`${JSON.stringify({ ...report, ok: !failed }, null, 2)}\n`);
  else io().stdout.write(format(report));
}

/** An install report: JSON with `ok` and the rendered paths, or text on stdout and warnings/errors on stderr. */
export function writeInstall<
  R extends object,
  I extends { node: string; aipro: string; stateDir?: string; user?: string },
>(
  report: R,
  input: I,
  failed: boolean,
  json: boolean | undefined,
  format: (r: R, input: I) => { out: string; err: string },
): void {
  if (json) {
    io().stdout.write(
      `${JSON.stringify(
        { ...report, ok: !failed, node: input.node, aipro: input.aipro, stateDir: input.stateDir, user: input.user },
        null,
        2,
      )}\n`,
    );
    return;
  }
  const { out, err } = format(report, input);
  io().stdout.write(out);
  io().stderr.write(err);
}
