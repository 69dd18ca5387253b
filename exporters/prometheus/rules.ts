/**
 * The Prometheus rules generator: the alert catalogue (`src/alerts/catalogue.ts`) as a plain
 * rule file or a Kubernetes `PrometheusRule` (prometheus-operator). `aipro rules print` prints
 * it; the shipped `rules.yml` is its default output. Pure: options in, YAML text out.
 *
 * Every credential and monitor alert carries `host`, joined from `aipro_build_info{host}` on
 * the same scrape (job + instance), so a rule alert and the monitor's pushed alert for the same
 * credential have the same `alertname`, `host`, `agent` and `profile` (the inhibit rule pairs them).
 */
import {
  CATALOGUE,
  DEFAULT_CRITICAL_S,
  DEFAULT_WARN_S,
  ORIGIN,
  fillTemplate,
  humanSeconds,
  runbookUrl,
  type AlertDef,
  type RuleContext,
} from '../../src/alerts/catalogue.js';
import { GO_FIX } from '../../src/alerts/fixes.js';

/** One label matcher (`name="value"`, `!=`, `=~`, `!~`); a selector is one or more, comma-separated. */
const MATCHER = String.raw`\s*[a-zA-Z_][a-zA-Z0-9_]*\s*(=|!=|=~|!~)\s*"(?:[^"\\]|\\.)*"\s*`;
const SELECTOR_RE = new RegExp(`^${MATCHER}(,${MATCHER})*$`);

export interface RulesOptions {
  /** Warning band starts this many seconds before expiry (default 7 days). */
  warnS?: number;
  /** Critical band starts this many seconds before expiry (default 1 day). */
  criticalS?: number;
  /** Scrape job of the monitor daemon (default `aipro`). */
  job?: string;
  /**
   * Label matchers added to every aipro metric (e.g. `job="aipro"`), so one source is chosen
   * when both the scrape and the node_exporter textfile are collected. Default: none.
   */
  selector?: string;
  format?: 'prometheus' | 'prometheusrule';
  /** `metadata.name` / `namespace` / extra labels of the PrometheusRule. */
  name?: string;
  namespace?: string;
}

/** `7 * 86400`, `86400`, `12 * 3600`, `900`: seconds as readable PromQL. */
export function promSeconds(s: number): string {
  if (s % 86_400 === 0) return s === 86_400 ? '86400' : `${s / 86_400} * 86400`;
  if (s % 3600 === 0) return s === 3600 ? '3600' : `${s / 3600} * 3600`;
  return String(s);
}

export { humanSeconds } from '../../src/alerts/catalogue.js';

const GO_VALUES: Record<string, string> = {
  profile: '{{ $labels.profile }}',
  agent: '{{ $labels.agent }}',
  provider: '{{ $labels.provider }}',
  host: '{{ $labels.host }}',
  type: '{{ $labels.type }}',
  monitor: '{{ $labels.monitor }}',
  left: '{{ $value | humanizeDuration }}',
  window: '{{ $labels.window }}',
  percent: '{{ $value | humanizePercentage }}',
  until: '{{ $value | humanizeTimestamp }}',
};

function expression(def: AlertDef, c: RuleContext): string {
  const body = def.expr(c);
  if (def.join === 'none') return body;
  const wrapped = body.includes('\n') ? `(\n${body}\n)` : `(${body})`;
  const host = `* on (job, instance) group_left (host)\n  ${c.m('aipro_build_info')}`;
  if (def.join === 'host') return `${wrapped}\n${host}`;
  return (
    `${wrapped}\n* on (job, instance, agent, provider, profile) group_left (type, source)\n  ` +
    `${c.m('aipro_auth_profile_info')}\n${host}`
  );
}

/** A YAML double-quoted scalar (JSON strings are valid YAML). */
const q = (s: string) => JSON.stringify(s);

/** `text` split at spaces outside `{{ … }}` and `code` (a Go action or a command stays on one line). */
function words(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let code = false;
  let cur = '';
  for (let i = 0; i < text.length; i++) {
    if (text.startsWith('{{', i)) depth++;
    if (text.startsWith('}}', i)) depth = Math.max(0, depth - 1);
    const ch = text[i] as string;
    if (ch === '`') code = !code;
    if (ch === ' ' && depth === 0 && !code) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

/**
 * `key: >-` and `text` folded into lines of about `width` characters, broken at single spaces
 * only (a folded scalar turns each line break back into one space).
 */
function folded(key: string, text: string, indent: string, width = 100): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of words(text)) {
    if (line && word && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return [`${indent}${key}: >-`, ...lines.map((l) => `${indent}  ${l}`)];
}

function ruleYaml(
  def: AlertDef,
  o: Required<Pick<RulesOptions, 'warnS' | 'criticalS' | 'job' | 'selector'>>,
  indent: string,
): string {
  const sel = o.selector.trim();
  const c: RuleContext = {
    m: (name, matchers) => {
      const all = [sel, matchers].filter(Boolean).join(', ');
      return all ? `${name}{${all}}` : name;
    },
    warn: promSeconds(o.warnS),
    critical: promSeconds(o.criticalS),
    job: o.job,
  };
  const values = { ...GO_VALUES, critical: humanSeconds(o.criticalS), job: o.job, fix: def.fix ? GO_FIX[def.fix] : '' };
  const labels: Record<string, string> = { severity: def.severity, origin: ORIGIN.rule, ...def.labels };
  const i = indent;
  const lines = [
    `${i}- alert: ${def.name}`,
    `${i}  expr: |`,
    ...expression(def, c)
      .split('\n')
      .map((l) => `${i}    ${l}`),
    `${i}  for: ${def.for}`,
    `${i}  labels:`,
    ...Object.entries(labels).map(([k, v]) => `${i}    ${k}: ${v}`),
    `${i}  annotations:`,
    `${i}    summary: ${q(fillTemplate(def.summary, values))}`,
    ...folded('description', fillTemplate(def.description, values), `${i}    `),
    `${i}    runbook_url: ${runbookUrl(def)}`,
  ];
  return lines.join('\n');
}

function header(o: Required<Pick<RulesOptions, 'warnS' | 'criticalS' | 'job' | 'selector'>>, argv: string): string {
  return [
    '# Prometheus alerting rules for aipro (https://github.com/aipro/aipro).',
    `# Generated by \`aipro rules print${argv}\` from the alert catalogue; do not edit by hand.`,
    '# Tested by `promtool test rules` (exporters/prometheus/rules.test.yml).',
    '#',
    `# Expiry bands do not overlap: warning while ${humanSeconds(o.criticalS)} <= time left < ` +
      `${humanSeconds(o.warnS)}, critical while`,
    `# 0 < time left < ${humanSeconds(o.criticalS)}, then "expired" (status state set). OAuth profiles that refresh`,
    '# themselves export no expiry timestamp, so they never page for their access tokens.',
    '# Credential alerts carry `type` and `source` (joined from aipro_auth_profile_info) so the',
    '# description can name the exact fix command, and every alert but AiproMonitorAbsent carries',
    "# `host` (joined from aipro_build_info), the same label the monitor's pushed alerts carry.",
  ].join('\n');
}

/** The flags that reproduce `o` (for the header), empty for the defaults. */
function argvOf(o: Required<Pick<RulesOptions, 'warnS' | 'criticalS' | 'job' | 'selector' | 'format'>>): string {
  const parts: string[] = [];
  if (o.warnS !== DEFAULT_WARN_S) parts.push(`--warn ${humanSeconds(o.warnS)}`);
  if (o.criticalS !== DEFAULT_CRITICAL_S) parts.push(`--critical ${humanSeconds(o.criticalS)}`);
  if (o.job !== 'aipro') parts.push(`--job ${o.job}`);
  if (o.selector) parts.push(`--selector '${o.selector}'`);
  if (o.format !== 'prometheus') parts.push(`--format ${o.format}`);
  return parts.length ? ` ${parts.join(' ')}` : '';
}

/** Reasons the options cannot make sensible rules (empty when fine). */
export function checkRulesOptions(o: RulesOptions): string[] {
  const errs: string[] = [];
  const warnS = o.warnS ?? DEFAULT_WARN_S;
  const criticalS = o.criticalS ?? DEFAULT_CRITICAL_S;
  if (!(criticalS > 0)) errs.push('--critical must be longer than 0');
  if (!(warnS > criticalS))
    errs.push(`--warn (${humanSeconds(warnS)}) must be longer than --critical (${humanSeconds(criticalS)})`);
  if (o.job !== undefined && !/^[A-Za-z0-9_.:-]+$/.test(o.job))
    errs.push(`--job "${o.job}" must be a plain job name (letters, digits, _ . : -)`);
  if (o.selector && !SELECTOR_RE.test(o.selector))
    errs.push(
      `--selector '${o.selector}' must be label matchers such as 'job="aipro"' or 'job="node", instance=~"gw.*"'`,
    );
  return errs;
}

/** The rules as YAML text (a plain rule file, or a PrometheusRule manifest). */
export function renderRules(opts: RulesOptions = {}): string {
  const o = {
    warnS: opts.warnS ?? DEFAULT_WARN_S,
    criticalS: opts.criticalS ?? DEFAULT_CRITICAL_S,
    job: opts.job ?? 'aipro',
    selector: opts.selector ?? '',
    format: opts.format ?? 'prometheus',
  };
  const k8s = o.format === 'prometheusrule';
  const base = k8s ? '  ' : '';
  const groups: string[] = [];
  for (const group of [...new Set(CATALOGUE.map((d) => d.group))]) {
    const rules = CATALOGUE.filter((d) => d.group === group).map((d) => ruleYaml(d, o, `${base}      `));
    groups.push(`${base}  - name: ${group}\n${base}    rules:\n${rules.join('\n\n')}`);
  }
  const body = `${base}groups:\n${groups.join('\n\n')}\n`;
  if (!k8s) return `${header(o, argvOf(o))}\n${body}`;
  const meta = [
    `  name: ${opts.name ?? 'aipro'}`,
    ...(opts.namespace ? [`  namespace: ${opts.namespace}`] : []),
    '  labels:',
    '    app.kubernetes.io/name: aipro',
  ];
  return (
    `${header(o, argvOf(o))}\napiVersion: monitoring.coreos.com/v1\nkind: ` +
    `PrometheusRule\nmetadata:\n${meta.join('\n')}\nspec:\n${body}`
  );
}
