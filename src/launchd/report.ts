/** Human-readable output of launchd install and uninstall (pure: report in, text out). */
import { conflictError, fileLines, indent, warningLines } from '../util/install-report.js';
import type { InstallReport } from './install.js';
import type { RenderInput } from './render.js';
import type { UninstallReport } from './uninstall.js';

const kind = (flavour: string) => (flavour === 'user' ? 'LaunchAgents' : 'LaunchDaemons');

/** stdout (what happened, what to run) and stderr (warnings, failures). */
export function formatInstall(r: InstallReport, input: RenderInput): { out: string; err: string } {
  let out =
    `${kind(r.flavour)} in ${r.dir}\n  node ${input.node}\n  aipro ${input.aipro}\n  state dir ` +
    `${input.stateDir}${r.flavour === 'system' ? `, UserName ${input.user}` : ''}\n  logs ${r.logDir}/\n`;
  out += fileLines(r.files, r.dryRun);
  let err = warningLines(r.warnings);
  const todo = indent(r.commands);
  switch (r.launchctl) {
    case 'conflict':
      err += conflictError(r.files);
      break;
    case 'dry_run':
      out +=
        'Dry run: nothing was written or run.' +
        (r.commands.length ? ` An install would then run:\n${todo}` : r.changed ? '\n' : ' The jobs are up to date.\n');
      break;
    case 'up_to_date':
      out += 'Nothing changed: the plists are up to date and loaded.\n';
      break;
    case 'dir':
      out += r.changed
        ? `Wrote the plists to --dir; launchctl was not called. On the Mac, create ${r.logDir} (launchd does not ` +
          `create log directories), copy them to ` +
          `${r.flavour === 'user' ? '~/Library/LaunchAgents' : '/Library/LaunchDaemons'} and load each with ` +
          `launchctl bootstrap.\n`
        : 'Nothing changed: the files in --dir are up to date.\n';
      break;
    case 'not_macos':
      out += `This host is not macOS, so nothing was loaded. On a Mac, run:\n${todo}`;
      break;
    case 'ran':
      for (const x of r.ran) {
        if (x.ok) out += `  ran: ${x.command}\n`;
        else
          err +=
            `error: ${x.command} failed${x.output ? `: ${x.output}` : ''}\nThe plists are written. Fix the cause, ` +
            `then run:\n${todo}Check with: launchctl print ` +
            `${r.flavour === 'user' ? 'gui/$(id -u)' : 'system'}/<label>\n`;
      }
      if (r.ran.every((x) => x.ok))
        out +=
          `Loaded. Check with: launchctl print ${r.flavour === 'user' ? 'gui/$(id -u)' : 'system'}/` +
          `${r.files[0]?.label ?? 'dev.aipro.monitor'} · logs in ${r.logDir}/\n`;
      break;
  }
  return { out, err };
}

export function formatUninstall(r: UninstallReport): string {
  let out = `${kind(r.flavour)} in ${r.dir}\n`;
  const verb = r.dryRun ? 'would remove' : 'removed';
  out += indent([
    ...r.removed.map((p) => `${verb}  ${p}`),
    ...r.skipped.map((p) => `left alone (not written by aipro)  ${p}`),
  ]);
  if (r.removed.length === 0) return `${out}No aipro plists to remove.\n`;
  if (r.dryRun)
    return (
      `${out}Dry run: nothing was ` +
      `removed.${r.commands.length ? ` launchctl commands:\n${indent(r.commands)}` : '\n'}`
    );
  for (const x of r.ran)
    out += x.ok
      ? `  ran: ${x.command}\n`
      : `  failed (the plist was removed anyway): ${x.command}${x.output ? `: ${x.output}` : ''}\n`;
  if (r.launchctl === 'not_macos' && r.commands.length)
    out += `This host is not macOS, so nothing was unloaded. On a Mac, run:\n${indent(r.commands)}`;
  return out;
}
