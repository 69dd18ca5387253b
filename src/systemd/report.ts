/** Human-readable output of install and uninstall (pure: report in, text out). */
import { conflictError, fileLines, indent, warningLines } from '../util/install-report.js';
import type { InstallReport } from './install.js';
import type { RenderInput } from './render.js';
import type { UninstallReport } from './uninstall.js';

/** stdout (what happened, what to run) and stderr (warnings, failures). */
export function formatInstall(r: InstallReport, input: RenderInput): { out: string; err: string } {
  let out =
    `${r.flavour === 'user' ? 'User' : 'System'} units in ${r.unitDir}\n  node ${input.node}\n  aipro ` +
    `${input.aipro}\n  state dir ${input.stateDir}${r.flavour === 'system' ? `, User=${input.user}` : ''}\n`;
  out += fileLines(r.files, r.dryRun);
  let err = warningLines(r.warnings);
  const todo = indent(r.commands);
  switch (r.systemctl) {
    case 'conflict':
      err += conflictError(r.files);
      break;
    case 'dry_run':
      out +=
        'Dry run: nothing was written or run.' +
        (r.commands.length ? ` An install would then run:\n${todo}` : ' The units are up to date and enabled.\n');
      break;
    case 'up_to_date':
      out += 'Nothing changed: the units are up to date and enabled.\n';
      break;
    case 'unit_dir':
      out += r.changed
        ? `Wrote the units to --unit-dir; systemctl was not called. To use them from a unit directory systemd ` +
          `reads:\n${todo}`
        : 'Nothing changed: the files in --unit-dir are up to date.\n';
      break;
    case 'not_running':
      out +=
        `systemd is not running on this host (no /run/systemd/system: a container, or another init), so nothing was ` +
        `enabled.\nWhere systemd runs, do:\n${todo}`;
      break;
    case 'ran':
      for (const x of r.ran) {
        if (x.ok) out += `  ran: ${x.command}\n`;
        else
          err +=
            `error: ${x.command} failed${x.output ? `: ${x.output}` : ''}\nThe unit files are written. Fix the ` +
            `cause, then run:\n${todo}Check with: aipro doctor\n`;
      }
      if (r.ran.every((x) => x.ok)) out += `Enabled and started: ${r.enable.join(', ')}. Check with: aipro doctor\n`;
      break;
  }
  return { out, err };
}

export function formatUninstall(r: UninstallReport): string {
  let out = `${r.flavour === 'user' ? 'User' : 'System'} units in ${r.unitDir}\n`;
  const verb = r.dryRun ? 'would remove' : 'removed';
  out += indent([
    ...r.removed.map((p) => `${verb}  ${p}`),
    ...r.links.map((p) => `${verb}  ${p} (enable link)`),
    ...r.skipped.map((p) => `left alone (not written by aipro)  ${p}`),
  ]);
  if (r.removed.length === 0) return `${out}No aipro units to remove.\n`;
  if (r.dryRun) return `${out}Dry run: nothing was removed. systemctl commands:\n${indent(r.commands)}`;
  for (const x of r.ran)
    out += x.ok
      ? `  ran: ${x.command}\n`
      : `  failed (the files were removed anyway): ${x.command}${x.output ? `: ${x.output}` : ''}\n`;
  if (r.systemctl === 'not_running')
    out += `systemd is not running here, so nothing was stopped. Where it runs, do:\n${indent(r.commands)}`;
  return out;
}
