/** Doctor checks for the state dir and the config file: exist, modes, parse, validate. */
import { statSync } from 'node:fs';
import { alertStatePath, damagedStateFix, readAlertState } from '../alerts/state.js';
import { configErrorMessage } from '../config/load.js';
import { stateDir } from '../store/paths.js';
import { modeOf, octal, type DoctorContext, type Finding } from './context.js';

/** A file or dir that may hold secrets must not be readable by group or others. */
export function modeFinding(
  id: string,
  path: string,
  want: number,
  what: string,
  level: 'warn' | 'error',
  agent?: string,
): Finding | null {
  let mode: number;
  try {
    mode = modeOf(statSync(path).mode);
  } catch {
    return null;
  }
  const base = { id, path, ...(agent ? { agent } : {}) };
  if ((mode & 0o077) === 0) return { ...base, level: 'ok', summary: `${what} ${path} is ${octal(mode)}` };
  return {
    ...base,
    level,
    summary: `${what} ${path} is ${octal(mode)}: readable by other users`,
    fix: `chmod ${octal(want).slice(1)} ${path}  (aipro doctor --fix does it)`,
    fixable: true,
    repair: { kind: 'chmod', path, mode: want },
  };
}

export function stateChecks(ctx: DoctorContext): Finding[] {
  const out: Finding[] = [];
  const dir = stateDir(ctx.env);
  try {
    if (!statSync(dir).isDirectory()) {
      out.push({
        id: 'state.dir',
        level: 'error',
        path: dir,
        summary: `${dir} exists but is not a directory`,
        fix: `move it away, then run \`aipro onboard\``,
      });
      return out;
    }
  } catch {
    out.push({
      id: 'state.dir',
      level: 'warn',
      path: dir,
      summary: `state dir ${dir} does not exist yet`,
      fix: 'run `aipro onboard` (or any `aipro models auth` command) to create it',
    });
    return out;
  }
  out.push({ id: 'state.dir', level: 'ok', path: dir, summary: `state dir ${dir} exists` });
  const mode = modeFinding('state.dir.mode', dir, 0o700, 'state dir', 'warn');
  if (mode) out.push(mode);
  return out;
}

export function configChecks(ctx: DoctorContext): Finding[] {
  const out: Finding[] = [];
  const path = ctx.configPath;
  if (ctx.configError) {
    out.push({
      id: 'config.valid',
      level: 'error',
      path,
      summary: configErrorMessage(ctx.configError),
      fix:
        ctx.configError.key === '(file)' || ctx.configError.key === '(config)'
          ? `edit ${path} by hand or move it aside, then aipro config validate`
          : `aipro config validate; then aipro config set/unset ${ctx.configError.key}`,
    });
  } else if (!ctx.configExists) {
    out.push({ id: 'config.valid', level: 'ok', path, summary: `no config file at ${path}: defaults apply` });
  } else {
    out.push({ id: 'config.valid', level: 'ok', path, summary: `config ${path} is valid` });
  }
  const mode = modeFinding('config.mode', path, 0o600, 'config', 'warn');
  if (mode && mode.level !== 'ok') out.push(mode);
  return out;
}

/**
 * What the monitor, the gateway or an alert channel would refuse at start (a crash loop under
 * `Restart=always`), by key. Only for a config that passed the schema.
 */
export async function configRunChecks(ctx: DoctorContext): Promise<Finding[]> {
  if (ctx.configError) return [];
  const { runnableProblems } = await import('../config/runnable.js');
  return (await runnableProblems(ctx.config, ctx.env)).map((p) => ({
    id: 'config.runnable',
    level: 'error' as const,
    path: ctx.configPath,
    summary: `${p.key}: ${p.detail} (aipro monitor, aipro gateway or the alert channels refuse to start on it)`,
    fix: `aipro config set ${p.key} VALUE (or aipro config unset ${p.key}), then aipro config validate`,
  }));
}

/** The alert state file: a damaged one hides alert history and the outbox; alerts go on from `.fresh`. */
export function alertStateChecks(ctx: DoctorContext): Finding[] {
  const path = alertStatePath(ctx.config, ctx.env);
  const read = readAlertState(path);
  if (read.ok)
    return read.exists ? [{ id: 'alerts.state', level: 'ok', path, summary: `alert state ${path} parses` }] : [];
  return [
    {
      id: 'alerts.state',
      level: 'error',
      path,
      summary: `${read.detail}; aipro_alert_state_ok is 0`,
      fix: damagedStateFix(path),
    },
  ];
}
