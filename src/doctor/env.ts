/**
 * Doctor checks for the environment: is `~/.aipro/.env` readable and private, which
 * provider key comes from which layer, and would a systemd service (which reads only
 * `~/.aipro/.env` and the config, never the interactive shell) see the same credentials.
 */
import { configuredProviders } from '../config/models.js';
import type { EnvLayer, EnvSource } from '../env/load.js';
import { PROVIDERS } from '../providers/index.js';
import { daemonEnvPath } from '../store/paths.js';
import type { StoreRead } from '../store/read.js';
import { sha256Prefix } from '../util/sha256.js';
import type { DoctorContext, Finding } from './context.js';
import { modeFinding } from './state.js';
import { own } from '../util/own.js';

/** How each env layer is named in messages. */
const count = (n: number) => `${n} variable${n === 1 ? '' : 's'}`;

export const LAYER_LABEL: Record<EnvSource, string> = {
  process: 'the process (shell) environment',
  'cwd-dotenv': './.env',
  'state-dotenv': '~/.aipro/.env',
  config: 'config env.vars',
  'login-shell': 'the login-shell import',
};

/** Layers a systemd unit sees: EnvironmentFile=~/.aipro/.env, the config, and the shell import if enabled. */
const DAEMON_LAYERS: ReadonlySet<EnvSource> = new Set(['state-dotenv', 'config', 'login-shell']);

function layerWith(layers: EnvLayer[], name: string, pick: (s: EnvSource) => boolean): EnvLayer | undefined {
  return layers.find((l) => pick(l.source) && (l.vars[name] ?? '').trim() !== '');
}

export function envFileChecks(ctx: DoctorContext): Finding[] {
  const out: Finding[] = [];
  const path = daemonEnvPath(ctx.env);
  const layer = ctx.envLayers.find((l) => l.source === 'state-dotenv');
  if (layer?.problem) {
    out.push({
      id: 'env.file',
      level: 'error',
      path,
      summary: `${layer.problem}: the daemon cannot read its keys`,
      fix: `chmod 600 ${path} and make it owned by the service user`,
    });
  } else if (layer && Object.keys(layer.vars).length > 0) {
    out.push({
      id: 'env.file',
      level: 'ok',
      path,
      summary: `${path} is readable (${count(Object.keys(layer.vars).length)})`,
    });
    const mode = modeFinding('env.file.mode', path, 0o600, 'daemon env file', 'error');
    if (mode && mode.level !== 'ok') out.push(mode);
  }
  const cwd = ctx.envLayers.find((l) => l.source === 'cwd-dotenv');
  if (cwd && Object.keys(cwd.vars).length > 0) {
    out.push({
      id: 'env.cwd',
      level: 'ok',
      path: cwd.path ?? './.env',
      summary: `${cwd.path} is loaded by commands run in this directory (not by the daemon)`,
    });
  }
  const shell = ctx.envLayers.find((l) => l.source === 'login-shell');
  if (shell?.problem)
    out.push({
      id: 'env.shell',
      level: 'warn',
      summary: `${shell.problem}: no variables were imported`,
      fix: 'raise env.shellEnv.timeoutMs or disable env.shellEnv.enabled',
    });
  return out;
}

/** Which provider key comes from where; a shell value that differs from the daemon's file. */
export function envKeyChecks(ctx: DoctorContext): Finding[] {
  const out: Finding[] = [];
  for (const p of Object.values(PROVIDERS)) {
    for (const name of p.envVars) {
      const origin = ctx.envOrigin[name];
      if (!origin || (ctx.env[name] ?? '').trim() === '') continue;
      out.push({ id: 'env.key', level: 'ok', summary: `${name} (${p.id}) comes from ${LAYER_LABEL[origin]}` });
      const daemon = layerWith(ctx.envLayers, name, (s) => DAEMON_LAYERS.has(s));
      if (
        daemon &&
        !DAEMON_LAYERS.has(origin) &&
        sha256Prefix((daemon.vars[name] ?? '').trim()) !== sha256Prefix((ctx.env[name] ?? '').trim())
      ) {
        out.push({
          id: 'env.key.differs',
          level: 'warn',
          summary:
            `${name} in ${LAYER_LABEL[origin]} differs from the one in ${LAYER_LABEL[daemon.source]}: commands here ` +
            `use the first, the daemon the second`,
          fix: `keep one: update ${LAYER_LABEL[daemon.source]} or unset ${name} in your shell`,
        });
      }
    }
  }
  return out;
}

/**
 * The gateway under systemd sees only the daemon layers. A provider in use whose only
 * credential is a key in the interactive shell would work in `aipro models status` and
 * fail in the service: warn about exactly that. `read` is the default agent's store as the
 * configured backend holds it (the fleet's, on postgres).
 */
export function daemonEnvChecks(ctx: DoctorContext, read: StoreRead): Finding[] {
  const out: Finding[] = [];
  const stored = new Set(read.ok ? Object.values(read.store.profiles).map((pr) => pr.provider) : []);
  const inUse = new Set([...configuredProviders(ctx.config), ...(read.ok ? Object.keys(read.store.order ?? {}) : [])]);
  for (const provider of inUse) {
    const p = own(PROVIDERS, provider);
    if (!p || stored.has(provider)) continue;
    for (const name of p.envVars) {
      if ((ctx.env[name] ?? '').trim() === '') continue;
      if (layerWith(ctx.envLayers, name, (s) => DAEMON_LAYERS.has(s))) {
        out.push({
          id: 'daemon.env',
          level: 'ok',
          summary: `${provider}: ${name} is in ${daemonEnvPath(ctx.env)} or the config, so the systemd services see it`,
        });
      } else {
        out.push({
          id: 'daemon.env',
          level: 'warn',
          path: daemonEnvPath(ctx.env),
          summary:
            `${provider}: the only credential is ${name} from ${LAYER_LABEL[ctx.envOrigin[name] ?? 'process']}; the ` +
            `gateway and monitor services read ${daemonEnvPath(ctx.env)} and will find no ${provider} credential`,
          fix:
            `add ${name}=… to ${daemonEnvPath(ctx.env)} (mode 600), e.g. \`printenv ${name} | aipro onboard ` +
            `--non-interactive --provider ${provider} --auth-choice api-key --store env --secret-stdin\`, then ` +
            `restart the services`,
        });
      }
      break;
    }
  }
  return out;
}
