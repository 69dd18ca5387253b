/**
 * Loading and checking what the monitor runs on: the config (convict schema), the
 * schedules (node-cron's parser) and the listen address. Used at start (refuse to start)
 * and on SIGHUP (refuse the new config, keep the old). Problems name the key.
 */
import type { Monitor } from '../../monitors/types.js';
import { parseListen } from '../config/formats.js';
import { loadContext, type Context } from '../context.js';
import { validateSchedules } from './scheduler.js';

export type MonitorSetup =
  | { ok: true; ctx: Context; listen: { host: string; port: number; text: string } }
  | { ok: false; key: string; detail: string; message: string };

/** Load config + env and check everything the daemon needs. Never throws for a bad config. */
export function loadMonitorSetup(
  monitors: readonly Monitor[],
  listenFlag?: string,
  processEnv: NodeJS.ProcessEnv = process.env,
): MonitorSetup {
  const loaded = loadContext({ env: processEnv, mode: 'result' });
  if (!loaded.ok) return loaded;
  const ctx = loaded.ctx;
  const sched = validateSchedules(ctx.config, monitors);
  if (!sched.ok) {
    return {
      ok: false,
      key: sched.key,
      detail: sched.detail,
      message:
        `Error in config ${ctx.configPath}: ${sched.key}: ${sched.detail}. Fix it with \`aipro config set ` +
        `${sched.key} "*/5 * * * *"\` (or \`aipro config unset ${sched.key}\` for the default), then \`aipro config ` +
        `validate\`.`,
    };
  }
  const text = listenFlag ?? ctx.config.monitor.listen;
  const listen = parseListen(text);
  if (!listen) {
    const key = listenFlag !== undefined ? '--listen' : 'monitor.listen';
    return {
      ok: false,
      key,
      detail: `"${text}" is not a listen address`,
      message: `${key}: "${text}" is not a listen address (use host:port, e.g. 127.0.0.1:18790)`,
    };
  }
  return { ok: true, ctx, listen: { ...listen, text } };
}
