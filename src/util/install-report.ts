/**
 * Text pieces every service installer's report prints the same way (systemd, launchd):
 * the per-file plan, warnings, and the refusal to overwrite files aipro did not write.
 * Pure: data in, text out.
 */

export type InstallFileAction = 'create' | 'update' | 'unchanged' | 'conflict';

const VERB: Record<InstallFileAction, [done: string, dry: string]> = {
  create: ['created', 'would create'],
  update: ['updated', 'would update'],
  unchanged: ['unchanged', 'unchanged'],
  conflict: ['NOT ours', 'NOT ours'],
};

export function indent(lines: string[]): string {
  return lines.map((l) => `  ${l}\n`).join('');
}

/** One aligned line per file: what was (or, in a dry run, would be) done to it. */
export function fileLines(files: readonly { path: string; action: InstallFileAction }[], dryRun: boolean): string {
  const col = dryRun ? 1 : 0;
  const width = Math.max(...Object.values(VERB).map((v) => v[col].length));
  return indent(files.map((f) => `${VERB[f.action][col].padEnd(width)}  ${f.path}`));
}

export function warningLines(warnings: readonly string[]): string {
  return warnings.map((w) => `warning: ${w}\n`).join('');
}

/** The error for same-named files that lack aipro's marker: nothing was changed, and how to go on. */
export function conflictError(files: readonly { path: string; action: InstallFileAction }[]): string {
  const foreign = files.filter((f) => f.action === 'conflict').map((f) => f.path);
  const many = foreign.length > 1;
  return (
    `error: ${foreign.join(', ')} ${many ? 'exist' : 'exists'} and ${many ? 'were' : 'was'} not written by aipro; ` +
    `nothing was changed. Move ${many ? 'them' : 'it'} away, or re-run with --force to overwrite.\n`
  );
}
