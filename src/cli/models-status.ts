/**
 * `aipro models status`: every credential of every agent, judged by the one status
 * function. No network unless `--probe`. `--check` exits 0 ok / 1 broken / 2 expiring.
 */
import { reportSettings } from '../config/models.js';
import type { Command } from 'commander';
import { nextProfile } from '../store/order.js';
import { agentReport, type AgentReport, type StatusRow } from '../store/report.js';
import { storeErrorMessage, type StoreRead } from '../store/read.js';
import { checkExitCode, severity } from '../store/status.js';
import { formatRelative, isoUtc } from '../util/duration.js';
import { listAgents, loadContext, resolveAgent, type Agent, type Context } from '../context.js';
import { readAgentStores } from './store-backend.js';
import { EXIT, usageError } from './errors.js';
import { checkAgentFilter, checkProfileFilter, checkProviderFilter } from './models-status-filters.js';
import { colorizer, renderTable, terminalWidth, wrapLine, type Fit } from './table.js';
import { profileLabel, type ProfileLabelMode } from '../util/profile-label.js';
import { clockSkewJson, clockSkewWarnings, quotaCell, quotaJson } from './quota-text.js';
import { dict, own } from '../util/own.js';
import { contextOptions, io, setExitCode } from './io.js';
import { STATUS_OPTIONS } from './models-status-options.js';

export interface StatusOptions {
  json?: boolean;
  plain?: boolean;
  check?: boolean;
  probe?: boolean;
  timeout?: string;
  concurrency?: string;
  agent?: string;
  provider?: string;
  profile?: string;
  warnHours?: string;
  wide?: boolean;
}

/** Version of the `--json` document; bumped only on incompatible changes. */
export const STATUS_JSON_VERSION = 1;

export function register(program: Command): void {
  const models =
    program.commands.find((c) => c.name() === 'models') ??
    program.command('models').description('credential status and auth profiles');
  const status = models
    .command('status')
    .description('show every credential: provider, profile, type, source, status, expiry, fingerprint');
  for (const o of STATUS_OPTIONS) status.option(o.value ? `${o.flag} ${o.value}` : o.flag, o.description);
  status
    .addHelpText(
      'after',
      '\nExamples:\n  aipro models status\n  aipro models status --check --provider anthropic\n  aipro models ' +
        "status --probe --timeout 5000 --concurrency 8\n  aipro models status --json | jq '.agents[].profiles[] | " +
        "{id, status}'",
    )
    .action(async (opts: StatusOptions) => {
      setExitCode(await modelsStatus(opts));
    });
}

function parseWarnMs(ctx: Context, flag?: string): number {
  const hours = flag === undefined ? ctx.config.auth.warnHours : Number(flag);
  if (!Number.isFinite(hours) || hours < 0)
    throw usageError(`--warn-hours must be a number of hours ≥ 0, got "${flag}"`);
  return hours * 3_600_000;
}

/** Run the command; returns the exit code. */
export async function modelsStatus(opts: StatusOptions): Promise<number> {
  if (opts.json && opts.plain) throw usageError('--json and --plain cannot be combined');
  const ctx = loadContext(contextOptions());
  const warnMs = parseWarnMs(ctx, opts.warnHours);
  const stores = await readAgentStores(ctx);
  const now = ctx.now();
  let reports = statusReports(ctx, opts, now, warnMs, stores);
  if (opts.probe) {
    const { probeReports } = await import('./models-probe.js');
    reports = await probeReports(ctx, reports, opts, { warnMs });
  }
  const { out, code } = statusOutput(reports, opts, ctx, now, warnMs);
  io().stdout.write(out);
  return code;
}

/** The reports of the agents asked for; filters that match nothing are usage errors. */
export function statusReports(
  ctx: Context,
  opts: Pick<StatusOptions, 'agent' | 'provider' | 'profile'>,
  now: number,
  warnMs: number,
  stores?: { agents: Agent[]; reads: StoreRead[] },
): AgentReport[] {
  // `stores`: what the configured backend read; without it each agent's file is read here.
  const all = stores?.agents ?? listAgents(ctx);
  if (opts.agent) resolveAgent(ctx, opts.agent); // a malformed id is its own usage error
  checkAgentFilter(opts.agent, all);
  const agents = opts.agent ? all.filter((a) => a.id === opts.agent) : all;
  const reports = agents.map((a) =>
    agentReport(
      a,
      reportSettings(ctx.config),
      ctx.env,
      { now, warnMs, hashSecrets: false, ...(opts.provider ? { provider: opts.provider } : {}) },
      stores?.reads[all.indexOf(a)],
    ),
  );
  checkProviderFilter(opts.provider, reports);
  checkProfileFilter(opts.profile, reports);
  return reports;
}

/**
 * What the command prints and its exit code. Every mode judges the same rows the same
 * way, so text, --plain and --json always agree on the code; an unreadable store fails.
 */
export function statusOutput(
  reports: AgentReport[],
  opts: Pick<StatusOptions, 'json' | 'plain' | 'check' | 'profile' | 'wide'>,
  ctx: Context,
  now: number,
  warnMs: number,
): { out: string; code: number } {
  const shown = opts.profile
    ? reports.map((r) => ({ ...r, rows: r.rows.filter((row) => row.id === opts.profile) }))
    : reports;
  const storeError = shown.some((r) => r.storeError);
  const verdict = storeError ? EXIT.FAIL : checkExitCode(shown.flatMap((r) => r.rows).map((r) => r.status));
  const out = opts.json
    ? `${JSON.stringify(toJson(shown, now, warnMs, verdict, ctx.config.monitor.labels.profile), null, 2)}\n`
    : opts.plain
      ? plainLines(shown)
      : renderText(shown, now, ctx, Boolean(opts.check), terminalWidth(io().stdout, ctx.env, opts.wide));
  return { out, code: opts.check ? verdict : storeError ? EXIT.FAIL : EXIT.OK };
}

function expiresText(r: StatusRow, now: number): string {
  if (r.expiresAt === undefined) return r.expiryKnown ? '-' : 'expiry unknown';
  return `${isoUtc(r.expiresAt)} (${formatRelative(r.expiresAt, now)})`;
}

function plainLine(r: StatusRow): string {
  return [
    r.agent,
    r.id,
    r.provider,
    r.type,
    r.source,
    r.status,
    r.expiresAt === undefined ? (r.expiryKnown ? '-' : 'unknown') : isoUtc(r.expiresAt),
    r.fingerprint ?? '-',
  ].join('\t');
}

/** One line per credential; an unreadable store is a line of its own (`(store)`, `invalid`), never nothing. */
function plainLines(reports: AgentReport[]): string {
  const lines = reports.flatMap((r) =>
    r.storeError ? [[r.agent, '(store)', '-', '-', 'store', 'invalid', '-', '-'].join('\t')] : r.rows.map(plainLine),
  );
  return lines.map((l) => `${l}\n`).join('');
}

/**
 * How the table gets narrower on a terminal, in this order: EXPIRES shows only the relative
 * time, FINGERPRINT goes, SOURCE shows "env" without the variable, TYPE goes, SOURCE goes,
 * PROVIDER goes (a missing provider's row names it under PROFILE); then the widest cells are
 * cut with "…".
 */
function statusFit(width: number, shown: StatusRow[], now: number, quota = false): Fit {
  return {
    width,
    steps: [
      {
        abbreviate: 5,
        cells: shown.map((r) =>
          r.expiresAt === undefined ? (r.expiryKnown ? '-' : 'unknown') : formatRelative(r.expiresAt, now),
        ),
      },
      { drop: 6 },
      // QUOTA (column 7) keeps its worst window and percentage, without the reset time.
      ...(quota
        ? [{ abbreviate: 7, cells: shown.map((r) => quotaCell(r.quota, now).replace(/ \(resets [^)]*\)$/, '')) }]
        : []),
      { abbreviate: 3, cells: shown.map((r) => r.source) },
      { drop: 2 },
      { drop: 3 },
      // Profile ids start with their provider; a missing provider's row names it instead of "-".
      { abbreviate: 1, cells: shown.map((r) => (r.type === 'none' ? r.provider : r.id)) },
      { drop: 0 },
    ],
  };
}

function renderText(reports: AgentReport[], now: number, ctx: Context, check: boolean, width?: number): string {
  const c = colorizer(io().stdout, ctx.env);
  const paint = (s: string) =>
    severity(s as StatusRow['status']) === 2 ? c.red(s) : s === 'expiring' ? c.yellow(s) : c.green(s);
  const out: string[] = [];
  for (const rep of reports) {
    out.push(c.bold(`Agent ${rep.agent}`) + c.dim(`  (${rep.storePath}${rep.storeExists ? '' : ', no store yet'})`));
    if (rep.storeError) {
      out.push(`  ${c.red('store unreadable')}: ${storeErrorMessage(rep.storeError)}`, '');
      continue;
    }
    const shown = check ? rep.rows.filter((r) => severity(r.status) > 0) : rep.rows;
    if (shown.length === 0) {
      out.push(
        check
          ? '  all credentials ok'
          : '  no credentials (add one: aipro models auth add-key --provider anthropic, or aipro onboard)',
        '',
      );
      continue;
    }
    const rows = shown.map((r) => [
      r.provider,
      r.type === 'none' ? '-' : r.id,
      r.type === 'none' ? '-' : r.type,
      r.source === 'env' ? `env:${r.envVar}` : r.source,
      r.status,
      expiresText(r, now),
      r.fingerprint ?? '-',
    ]);
    const STATUS_COL = 4;
    const header = ['PROVIDER', 'PROFILE', 'TYPE', 'SOURCE', 'STATUS', 'EXPIRES', 'FINGERPRINT'];
    // Quota headroom (worst current window) only when some credential has an observation.
    const quota = shown.some((r) => quotaCell(r.quota, now) !== '-');
    if (quota) {
      header.push('QUOTA');
      shown.forEach((r, i) => {
        rows[i]?.push(quotaCell(r.quota, now));
      });
    }
    out.push(
      renderTable(
        header,
        rows,
        '  ',
        (row, col, padded) => (col === STATUS_COL ? padded.replace((shown[row] as StatusRow).status, paint) : padded),
        width === undefined ? undefined : statusFit(width, shown, now, quota),
      ),
    );
    for (const r of shown) {
      const extra: string[] = [];
      if ((r.status !== 'ok' && r.status !== 'static') || !r.expiryKnown) extra.push(r.detail);
      else if (r.type === 'oauth') extra.push(r.detail);
      if (r.cooldownUntil) extra.push(`cooling down ${formatRelative(r.cooldownUntil, now).replace('in ', 'for ')}`);
      if (r.disabledUntil) extra.push(`disabled (${r.disabledReason ?? 'failures'}) until ${isoUtc(r.disabledUntil)}`);
      if (r.lastProbe) extra.push(probeText(r.lastProbe, now));
      if (r.hint) extra.push(`fix: ${r.hint}`);
      if (ctx.config.monitor.labels.profile === 'hash' && r.type !== 'none')
        extra.push(`metrics label ${profileLabel(r.id, 'hash')}`);
      if (extra.length) out.push(`  ${r.type === 'none' ? r.provider : r.id}: ${extra.join('; ')}`);
    }
    // Only providers in the report: `--provider openai` must not list anthropic's order.
    const reported = new Set(rep.rows.map((r) => r.provider));
    for (const [p, ids] of Object.entries(rep.order)) if (reported.has(p)) out.push(`  order ${p}: ${ids.join(', ')}`);
    for (const [p, id] of Object.entries(nextProfiles(rep, ctx, now))) out.push(`  next ${p}: ${id}`);
    for (const [p, id] of Object.entries(rep.lastGood)) if (reported.has(p)) out.push(`  lastGood ${p}: ${id}`);
    out.push('');
  }
  for (const w of clockSkewWarnings(
    reports.flatMap((r) => r.rows),
    now,
  ))
    out.push(c.yellow(`⚠ ${w}`));
  const lines = width === undefined ? out : out.flatMap((l) => l.split('\n')).flatMap((l) => wrapLine(l, width));
  return `${lines.join('\n').trimEnd()}\n`;
}

/** `last probe auth HTTP 401 312ms req_abc 5m ago`: what the last live check said. */
function probeText(p: NonNullable<StatusRow['lastProbe']>, now: number): string {
  const parts = [`last probe ${p.reason}`];
  if (p.httpStatus) parts.push(`HTTP ${p.httpStatus}`);
  if (p.latencyMs !== undefined) parts.push(`${p.latencyMs}ms`);
  if (p.requestId) parts.push(`request ${p.requestId}`);
  parts.push(now - p.at < 1000 ? 'just now' : formatRelative(p.at, now));
  // Auth refusals carry their hint as the row's fix; other failures (rate limit, network) show it here.
  if (!p.ok && p.hint && p.reason !== 'auth' && p.reason !== 'auth_permanent') parts.push(`(${p.hint})`);
  return parts.join(' ');
}

/** The profile the gateway would try next, per provider with stored credentials (order rules). */
function nextProfiles(rep: AgentReport, ctx: Context, now: number): Record<string, string> {
  const out = dict<string>();
  if (!rep.store) return out;
  for (const provider of new Set(rep.rows.filter((r) => r.type !== 'none').map((r) => r.provider))) {
    const env = rep.rows.find((r) => r.provider === provider && r.source === 'env');
    const id = nextProfile({
      provider,
      store: rep.store,
      configOrder: own(ctx.config.auth.order, provider) ?? [],
      now,
      ...(env ? { envProfileId: env.id } : {}),
    });
    if (id) out[provider] = id;
  }
  return out;
}

/** The documented `--json` document (docs/cli.md "--json schema"). */
export function toJson(
  reports: AgentReport[],
  now: number,
  warnMs: number,
  exitCode: number,
  labelMode: ProfileLabelMode = 'id',
) {
  return {
    version: STATUS_JSON_VERSION,
    generatedAt: isoUtc(now),
    warnHours: warnMs / 3_600_000,
    exitCode,
    clockSkew: clockSkewJson(reports.flatMap((r) => r.rows)),
    agents: reports.map((r) => ({
      agent: r.agent,
      storePath: r.storePath,
      storeExists: r.storeExists,
      storeError: r.storeError ? { reason: r.storeError.reason, detail: r.storeError.detail } : null,
      order: r.order,
      lastGood: r.lastGood,
      profiles: r.rows.map((row) => ({
        ...row,
        expiresAt: row.expiresAt === undefined ? null : isoUtc(row.expiresAt),
        expiresAtMs: row.expiresAt ?? null,
        remainingMs: row.remainingMs ?? null,
        quota: quotaJson(row.quota, now),
        // With monitor.labels.profile "hash", the `profile` label metrics and alerts carry for this id.
        ...(labelMode === 'hash' ? { metricsLabel: profileLabel(row.id, 'hash') } : {}),
      })),
    })),
  };
}
