/**
 * Changing `aipro.json`: under its lock, re-read the raw file, apply a pure change,
 * validate the WHOLE result against the schema, then write atomically with mode 0600.
 * A file that does not parse, or a result that does not validate, is never written.
 * Heavy deps (lock, atomic write) load here, so only commands that write pay for them.
 */
import { readRawConfig, validateConfig } from './load.js';
import { withLock } from '../store/lock.js';
import { configPath, type Env } from '../store/paths.js';
import { writeFileDurable } from '../store/write.js';
import { CliError } from '../errors.js';

export interface ConfigChange<R> {
  /** The new raw config, or null for "nothing to write". */
  raw: Record<string, unknown> | null;
  result: R;
}

/** Serialise the raw config the way every writer does. */
export function serializeConfig(raw: Record<string, unknown>): string {
  return `${JSON.stringify(raw, null, 2)}\n`;
}

/**
 * Apply `change` to the config file at `AIPRO_CONFIG_PATH` / `~/.aipro/aipro.json`.
 * `doing` names the operation in errors ("setting alerts.repeat").
 */
export async function updateConfigFile<R>(
  env: Env,
  doing: string,
  change: (raw: Record<string, unknown>, exists: boolean) => ConfigChange<R>,
): Promise<R> {
  const path = configPath(env);
  return withLock(path, async () => {
    const read = readRawConfig(path);
    if (!read.ok) {
      throw new CliError(
        `${doing}: ${path}: ${read.detail}. The file was left untouched; fix or move it by hand (\`aipro config ` +
          `path\` shows it), then \`aipro config validate\`.`,
      );
    }
    const { raw, result } = change(structuredClone(read.raw), read.exists);
    if (raw === null) return result;
    const checked = validateConfig(raw, path, env);
    if (!checked.ok) {
      throw new CliError(
        `${doing}: the resulting config is invalid at ${checked.key}: ${checked.detail}. Nothing was written to ` +
          `${path}.`,
      );
    }
    // What the monitor, the gateway or a channel would refuse at start is refused here too.
    const { runnableProblems } = await import('../config/runnable.js');
    const problem = (await runnableProblems(checked.config, env))[0];
    if (problem)
      throw new CliError(
        `${doing}: the resulting config is invalid at ${problem.key}: ${problem.detail}. Nothing was written to ` +
          `${path}.`,
      );
    await writeFileDurable(path, serializeConfig(raw), 0o600);
    return result;
  });
}

/** Get-or-create a nested plain object on a raw config (for ids that contain dots). */
export function section(raw: Record<string, unknown>, ...keys: string[]): Record<string, unknown> {
  let cur = raw;
  for (const k of keys) {
    const next = cur[k];
    if (!next || typeof next !== 'object' || Array.isArray(next)) cur[k] = {};
    cur = cur[k] as Record<string, unknown>;
  }
  return cur;
}

/** Record a profile declaration in `auth.profiles` (id may contain dots, so no dotted path). */
export function declareProfile(env: Env, id: string, provider: string, mode: string): Promise<boolean> {
  return updateConfigFile(env, `recording ${id} in config auth.profiles`, (raw) => {
    const profiles = section(raw, 'auth', 'profiles');
    const prev = profiles[id] as Record<string, unknown> | undefined;
    if (prev && prev.provider === provider && prev.mode === mode) return { raw: null, result: false };
    profiles[id] = { ...(prev && typeof prev === 'object' ? prev : {}), provider, mode };
    return { raw, result: true };
  });
}

/** Drop a profile declaration from `auth.profiles` (and from config `auth.order`). */
export function undeclareProfile(env: Env, id: string): Promise<boolean> {
  return updateConfigFile(env, `removing ${id} from config auth.profiles`, (raw) => {
    const auth = raw.auth as Record<string, unknown> | undefined;
    const profiles = auth?.profiles as Record<string, unknown> | undefined;
    let changed = false;
    if (profiles && Object.hasOwn(profiles, id)) {
      delete profiles[id];
      changed = true;
    }
    const order = auth?.order as Record<string, unknown> | undefined;
    if (order) {
      for (const [p, ids] of Object.entries(order)) {
        if (Array.isArray(ids) && ids.includes(id)) {
          const kept = ids.filter((x) => x !== id);
          if (kept.length > 0) order[p] = kept;
          else delete order[p];
          changed = true;
        }
      }
    }
    return { raw: changed ? raw : null, result: changed };
  });
}
