/**
 * Would the daemons start on this config? The schema checks shapes; this runs the checks
 * `aipro monitor`, `aipro gateway` and the alert channels make at start, without starting
 * anything. `config set` refuses what fails here, `config validate` and `doctor` report it, and
 * the monitor refuses to start on the same verdicts — one path, so a config that validates
 * never crash-loops a service under `Restart=always`.
 *
 * Not on the `models status` path: node-cron loads only when a config is written, validated,
 * doctored or run. The channel and gateway rules live in the config layer (config/channels.ts,
 * config/gateway.ts), one copy each, shared with the channels and the gateway.
 */
import cron from 'node-cron';
import type { Env } from '../store/paths.js';
import { channelProblems } from './channels.js';
import { gatewayProblems } from './gateway.js';
import type { AiproConfig } from './schema.js';

/** One reason the config would not run: the dotted key and why. */
export interface RunProblem {
  key: string;
  detail: string;
}

/** Why node-cron would refuse `expr` (null: it runs it). */
export function cronProblem(expr: string): string | null {
  const v = cron.validateDetailed(expr);
  if (v.valid) return null;
  const why = v.errors.map((e) => e.message).join('; ') || 'not a cron expression';
  return `"${expr}" is not a valid cron expression (${why})`;
}

/** Every set `monitor.schedules.<name>` that node-cron cannot run. Empty means the monitor's default. */
export function scheduleProblems(config: Pick<AiproConfig, 'monitor'>): RunProblem[] {
  const out: RunProblem[] = [];
  for (const [name, expr] of Object.entries(config.monitor.schedules ?? {})) {
    if (typeof expr !== 'string' || expr.trim() === '') continue;
    const why = cronProblem(expr);
    if (why) out.push({ key: `monitor.schedules.${name}`, detail: why });
  }
  return out;
}

/** The channel settings checks: every problem names `alerts.channels.<name>…`. */
function channelRunProblems(config: AiproConfig): RunProblem[] {
  return channelProblems(config).flatMap((e) =>
    e.message
      .split(/; (?=alerts\.channels\.)/)
      .map((m) => ({ key: keyOf(m, `alerts.channels.${e.channel}`), detail: detailOf(m) })),
  );
}

/** Everything the daemons would refuse at start, in key order of the config sections. */
export async function runnableProblems(config: AiproConfig, _env?: Env): Promise<RunProblem[]> {
  return [...scheduleProblems(config), ...channelRunProblems(config), ...gatewayProblems(config)];
}

/** `alerts.channels.x.url: …` → the key part, when the message starts with one. */
function keyOf(message: string, fallback: string): string {
  const m = /^(alerts\.channels\.[^:\s]+):/.exec(message);
  return m ? (m[1] as string) : fallback;
}

function detailOf(message: string): string {
  const m = /^alerts\.channels\.[^:\s]+:\s*(.*)$/s.exec(message);
  return m ? (m[1] as string) : message;
}

/** One line per problem, as `config validate` prints them. */
export function runProblemText(p: RunProblem): string {
  return `${p.key}: ${p.detail}`;
}
