/**
 * `aipro doctor`'s systemd checks: which of our units are installed (user and system),
 * whether they are enabled, whether what they run still exists, the timer's last and next
 * run and the services' state (from `systemctl show`, when systemd runs), linger for user
 * units, and whether the service user can read the daemon env file.
 */
import { accessSync, constants, existsSync, readFileSync, type Stats, statSync } from 'node:fs';
import { userInfo } from 'node:os';
import type { DoctorCheck } from './types.js';
import { homeDir } from '../store/paths.js';
import { VERSION } from '../version.js';
import { lingerEnabled, lookupUser, runCommand, systemdRunning } from '../systemd/host.js';
import { configWritable } from '../systemd/input.js';
import { existingFiles, isEnabledIn } from '../systemd/install.js';
import {
  environmentFileRef,
  expandSpecifiers,
  parseEnvironmentSetting,
  parseUnit,
  settingValues,
  splitExecStart,
  type UnitSettings,
} from '../systemd/parse.js';
import { runtimeChecks } from './systemd-runtime.js';
import { UNIT_SET_NAMES, UNIT_SETS, defaultUnitDir, systemctlArgs, type Flavour } from '../systemd/units.js';

interface Installed {
  name: string;
  path: string;
  text: string;
  unit: UnitSettings;
}

/** Installed units, enabled or not, timer last/next fire, and the daemon env file's readability. */
export async function systemdDoctorChecks(env: Record<string, string>): Promise<DoctorCheck[]> {
  const checks: DoctorCheck[] = [];
  const running = systemdRunning();
  let any = false;
  for (const flavour of ['user', 'system'] as const) {
    const dir = defaultUnitDir(flavour, env);
    const { ours } = existingFiles(dir, UNIT_SET_NAMES);
    if (ours.length === 0) continue;
    any = true;
    const installed: Installed[] = ours.map((name) => {
      const path = `${dir}/${name}`;
      const text = readFileSync(path, 'utf8');
      return { name, path, text, unit: parseUnit(text) };
    });
    checks.push(...flavourChecks(flavour, dir, installed, env, running));
    if (running)
      checks.push(
        ...runtimeChecks(
          flavour,
          installed.map((i) => i.name),
          (argv) => runCommand(argv, { ...process.env, ...env }, 5_000),
        ),
      );
  }
  if (!any) {
    checks.push({
      id: 'systemd.units',
      level: 'ok',
      summary: 'no aipro systemd units installed (optional: run the monitor as a service)',
      fix: 'aipro systemd install --user',
    });
  } else if (!running) {
    checks.push({
      id: 'systemd.running',
      level: 'ok',
      summary:
        'systemd is not running on this host: enabled state read from the unit files; no runtime state or timer times',
    });
  }
  return checks;
}

function flavourChecks(
  flavour: Flavour,
  dir: string,
  installed: Installed[],
  env: Record<string, string>,
  running: boolean,
): DoctorCheck[] {
  const checks: DoctorCheck[] = [];
  const flag = `--${flavour}`;
  const names = installed.map((i) => i.name);
  const sets = UNIT_SET_NAMES.filter((s) => UNIT_SETS[s].files.some((f) => names.includes(f)));
  const reinstall = `aipro systemd install ${flag} --units ${sets.join(',')}`;
  checks.push({
    id: `systemd.${flavour}.installed`,
    level: 'ok',
    summary: `${flavour} units installed in ${dir}: ${names.join(', ')}`,
  });
  for (const set of sets) {
    const missing = UNIT_SETS[set].files.filter((f) => !names.includes(f));
    if (missing.length > 0)
      checks.push({
        id: `systemd.${flavour}.incomplete`,
        level: 'error',
        summary:
          `${missing.join(', ')} missing next to ` +
          `${UNIT_SETS[set].files.filter((f) => names.includes(f)).join(', ')}`,
        fix: reinstall,
      });
    const unit = UNIT_SETS[set].enable;
    if (missing.length === 0) {
      checks.push(
        isEnabledIn(dir, unit, flavour)
          ? { id: `systemd.${flavour}.enabled.${unit}`, level: 'ok', summary: `${unit} is enabled` }
          : {
              id: `systemd.${flavour}.enabled.${unit}`,
              level: 'warn',
              summary: `${unit} is installed but not enabled: it will not start at boot`,
              fix: `${systemctlArgs(flavour).join(' ')} enable --now ${unit}`,
            },
      );
    }
  }
  const user = flavour === 'system' ? undefined : safeUser(env);
  for (const i of installed) {
    const version = /installed by aipro (\S+)/.exec(i.text)?.[1];
    if (version && version !== VERSION)
      checks.push({
        id: `systemd.${flavour}.version.${i.name}`,
        level: 'warn',
        summary: `${i.name} was written by aipro ${version}; this is ${VERSION}`,
        fix: reinstall,
      });
    const exec = settingValues(i.unit, 'Service', 'ExecStart')[0];
    if (exec === undefined) continue;
    const ctx = {
      home: homeDir(env),
      user: user ?? settingValues(i.unit, 'Service', 'User')[0] ?? 'root',
      unit: i.name,
    };
    const argv = splitExecStart(expandSpecifiers(exec, ctx), {}).argv;
    // node, then aipro: node's own flags (the monitor's heap settings) sit between them.
    const gone = argv
      .filter((p) => !p.startsWith('-'))
      .slice(0, 2)
      .filter((p) => p.startsWith('/') && !existsSync(p));
    if (gone.length > 0)
      checks.push({
        id: `systemd.${flavour}.exec.${i.name}`,
        level: 'error',
        summary:
          `${i.name} runs ${gone.join(' and ')}, which no longer ${gone.length > 1 ? 'exist' : 'exists'} (node or ` +
          `aipro moved or upgraded?): it fails with 203/EXEC`,
        fix: reinstall,
      });
  }
  const service = installed.find((i) => i.name.endsWith('.service'));
  if (service) checks.push(...fileChecks(flavour, service, env, reinstall));
  if (flavour === 'user' && running) {
    const me = safeUser(env);
    if (!lingerEnabled(me))
      checks.push({
        id: 'systemd.user.linger',
        level: 'warn',
        summary: `linger is off for ${me}: user units start only with a login session and stop when it ends`,
        fix: `sudo loginctl enable-linger ${me}`,
      });
  }
  return checks;
}

/** The state dir (the sandbox's only writable path) and the env file, as the service user sees them. */
function fileChecks(
  flavour: Flavour,
  service: Installed,
  env: Record<string, string>,
  reinstall: string,
): DoctorCheck[] {
  const checks: DoctorCheck[] = [];
  const userName = flavour === 'system' ? (settingValues(service.unit, 'Service', 'User')[0] ?? 'root') : safeUser(env);
  const entry = lookupUser(userName);
  const home = flavour === 'system' && entry ? entry.home : homeDir(env);
  const ctx = { home, user: userName, unit: service.name };
  const writable = settingValues(service.unit, 'Service', 'ReadWritePaths')
    .flatMap((v) => v.split(/\s+/))
    .map((rw) => ({ optional: rw.startsWith('-'), path: expandSpecifiers(rw.replace(/^-/, ''), ctx) }));
  checks.push(
    ...configPathChecks(
      flavour,
      service,
      ctx,
      writable.map((w) => w.path),
      env,
      reinstall,
    ),
  );
  for (const { path, optional } of writable) {
    if (!optional && !existsSync(path))
      checks.push({
        id: `systemd.${flavour}.statedir`,
        level: 'error',
        summary: `${path} (the units' writable state dir) does not exist: they fail to start with 226/NAMESPACE`,
        fix: `aipro onboard, or ${reinstall} with the right AIPRO_STATE_DIR`,
      });
  }
  const ref = settingValues(service.unit, 'Service', 'EnvironmentFile')[0];
  if (ref === undefined) return checks;
  const { path } = environmentFileRef(expandSpecifiers(ref, ctx));
  let st: Stats;
  try {
    st = statSync(path);
  } catch {
    return [
      ...checks,
      {
        id: `systemd.${flavour}.envfile`,
        level: 'ok',
        summary: `no daemon env file ${path} (optional; it holds variables the services need)`,
      },
    ];
  }
  const readable =
    flavour === 'user' || !entry
      ? canRead(path)
      : entry.uid === 0 ||
        (st.uid === entry.uid && (st.mode & 0o400) !== 0) ||
        (st.gid === entry.gid && (st.mode & 0o040) !== 0) ||
        (st.mode & 0o004) !== 0;
  if (!readable)
    checks.push({
      id: `systemd.${flavour}.envfile`,
      level: 'error',
      summary: `the daemon env file ${path} is not readable by ${userName}, the user the services run as`,
      fix: `chown ${userName} ${path} && chmod 600 ${path}`,
    });
  else if ((st.mode & 0o077) !== 0)
    checks.push({
      id: `systemd.${flavour}.envfile`,
      level: 'warn',
      summary:
        `the daemon env file ${path} is readable by others (mode ${(st.mode & 0o777).toString(8)}); it may hold ` +
        `secrets`,
      fix: `chmod 600 ${path}`,
      fixable: true,
    });
  else
    checks.push({
      id: `systemd.${flavour}.envfile`,
      level: 'ok',
      summary: `the daemon env file ${path} is readable by ${userName} only`,
    });
  return checks;
}

/** Paths the config makes the monitor write that the installed sandbox does not allow (EROFS at run time). */
function configPathChecks(
  flavour: Flavour,
  service: Installed,
  ctx: { home: string; user: string; unit: string },
  writable: string[],
  env: Record<string, string>,
  reinstall: string,
): DoctorCheck[] {
  const unitEnv = parseEnvironmentSetting(
    settingValues(service.unit, 'Service', 'Environment').map((v) => expandSpecifiers(v, ctx)),
  );
  const state = unitEnv.AIPRO_STATE_DIR ?? writable[0];
  if (state === undefined) return [];
  const dirs = configWritable(unitEnv.AIPRO_CONFIG_PATH ?? `${state}/aipro.json`, { ...env, ...unitEnv });
  if (!dirs.ok) return [];
  const covered = (dir: string) => writable.some((w) => dir === w || dir.startsWith(`${w}/`));
  const blocked = dirs.dirs.filter((d) => !covered(d));
  return blocked.length === 0
    ? []
    : [
        {
          id: `systemd.${flavour}.writable`,
          level: 'error',
          summary:
            `the config makes the monitor write to ${blocked.join(', ')}, which the installed units' sandbox keeps ` +
            `read-only (ReadWritePaths=): those writes fail with EROFS`,
          fix: reinstall,
        },
      ];
}

function canRead(path: string): boolean {
  try {
    accessSync(path, constants.R_OK);
    return true;
  } catch {
    return false;
  }
}

function safeUser(env: Record<string, string>): string {
  try {
    return userInfo().username;
  } catch {
    return env.USER ?? 'root';
  }
}
