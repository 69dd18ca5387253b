/**
 * Would the daemons start on this config? The schema checks shapes; this runs the checks
 * `aipro monitor`, `aipro gateway` and the alert channels make at start, without starting
 * anything. `config set` refuses what fails here, `config validate` and `doctor` report it, and
 * the monitor refuses to start on the same verdicts — one path, so a config that validates
 * never crash-loops a service under `Restart=always`.
 *
 * Not on the `models status` path: node-cron and the channel and gateway modules load only
 * when a config is written, validated, doctored or run.
 */
import cron from 'node-cron';
import type { Env } from '../store/paths.js';
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

/** The alert channels' own builders: every problem names `alerts.channels.<name>…`. */
async function channelProblems(config: AiproConfig, env: Env): Promise<RunProblem[]> {
  if (Object.keys(config.alerts.channels).length === 0) return [];
  // The channel code is the one copy of each channel's rules; loaded only here, never on a hot path.
  const { buildChannels } = await import('../alerts/channels/index.js');
  const built = buildChannels({ config, env: env as Record<string, string>, host: config.alerts.hostname || 'localhost' });
  return built.errors.flatMap((e) => e.message.split(/; (?=alerts\.channels\.)/).map((m) => ({ key: keyOf(m, `alerts.channels.${e.channel}`), detail: detailOf(m) })));
}

/** What `aipro gateway` refuses at start with the configured bind (flags may still override it). */
async function gatewayProblems(config: AiproConfig): Promise<RunProblem[]> {
  const out: RunProblem[] = [];
  const { bindHost, isLoopback, TOKEN_SET_COMMAND } = await import('../gateway/security.js');
  const token = config.gateway.auth.token;
  const host = bindHost(config.gateway.bind);
  if ((token === null || token === undefined || token === '') && !isLoopback(host)) {
    out.push({
      key: 'gateway.bind',
      detail: `"${config.gateway.bind}" listens beyond loopback, which needs gateway.auth.token; set it first with \`${TOKEN_SET_COMMAND}\`, or use loopback`,
    });
  }
  const { parseByteSize } = await import('../gateway/body.js');
  if (parseByteSize(config.gateway.bodyLimit) === null) {
    out.push({ key: 'gateway.bodyLimit', detail: `"${config.gateway.bodyLimit}" is not a size (e.g. 10mb, 512kb)` });
  }
  return out;
}

/** Everything the daemons would refuse at start, in key order of the config sections. */
export async function runnableProblems(config: AiproConfig, env: Env): Promise<RunProblem[]> {
  return [...scheduleProblems(config), ...(await channelProblems(config, env)), ...(await gatewayProblems(config))];
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
