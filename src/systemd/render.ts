/**
 * Rendering unit templates: pure text in, text out. A template is a unit file with
 * `{{NAME}}` placeholders, `@user ` / `@system ` lines that belong to one flavour, `##`
 * template comments (dropped) and include placeholders (`{{HEADER}}`, `{{SERVICE_COMMON}}`)
 * that pull in `_header.inc` / `_service.inc`. Every value is escaped for systemd here.
 */
import { isAbsolute, join } from 'node:path';
import type { ServiceInput } from '../util/service-input.js';

/** Everything a rendered unit depends on; collected by install.ts from this host. `home` is `%h` in user units. */
export interface RenderInput extends ServiceInput {
  /** More writable directories (the textfile's, a moved alert state file's); `-` prefixed: may be missing. */
  extraWritable?: string[];
  /** `LoadCredential=ID[:PATH]` lines for every service. */
  credentials: { id: string; path?: string }[];
}

export type RenderResult =
  | { ok: true; text: string }
  | { ok: false; reason: 'bad_path' | 'bad_credential'; detail: string };

/** Template file names that are fragments, not units. */
export const INCLUDES: Record<string, string> = { HEADER: '_header.inc', SERVICE_COMMON: '_service.inc' };

/** A credential id systemd accepts as a file name under $CREDENTIALS_DIRECTORY. */
export const CREDENTIAL_ID_RE = /^(?!\.{1,2}$)[A-Za-z0-9_.-]{1,64}$/;

/** `%` starts a specifier in every unit setting: a literal one is `%%`. */
export function escapeSpecifiers(value: string): string {
  return value.replaceAll('%', '%%');
}

/** One ExecStart= word: `%`→`%%`, `$`→`$$`, double-quoted (with `\` escapes) when needed. */
export function execWord(arg: string): string {
  // a function: '$$' in a replacement string means '$'
  const escaped = escapeSpecifiers(arg).replaceAll('$', () => '$$');
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(escaped)) return escaped;
  return `"${escaped.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
}

/** A path for a setting that is not quote-aware: absolute, no whitespace or control chars. */
function plainPath(label: string, path: string): string | { detail: string } {
  if (!isAbsolute(path)) return { detail: `${label} ${JSON.stringify(path)} is not an absolute path` };
  if (/[\s\x00-\x1f\x7f]/.test(path)) {
    return {
      detail:
        `${label} ${JSON.stringify(path)} contains whitespace, which unit files cannot hold here; use a path without ` +
        `spaces (e.g. AIPRO_STATE_DIR=/var/lib/aipro)`,
    };
  }
  return escapeSpecifiers(path);
}

/** `%h/.aipro` for paths under the home of a user unit (readable, survives a home move). */
function homeForm(path: string, input: RenderInput): string {
  const escaped = escapeSpecifiers(path);
  if (input.flavour !== 'user') return escaped;
  const home = input.home.replace(/\/+$/, '');
  if (path === home) return '%h';
  return path.startsWith(`${home}/`) ? `%h${escapeSpecifiers(path.slice(home.length))}` : escaped;
}

const HOME_ROOTS = ['/home', '/root', '/run/user'];

/** Is `path` inside a directory ProtectHome= hides? */
export function underHome(path: string): boolean {
  return HOME_ROOTS.some((root) => path === root || path.startsWith(`${root}/`));
}

/** The placeholder values for one flavour, or why this host's paths cannot go in a unit. */
export function placeholderValues(
  input: RenderInput,
): { ok: true; values: Record<string, string> } | Extract<RenderResult, { ok: false }> {
  const paths: Record<string, string> = {};
  const checks: [string, string, string | undefined][] = [
    ['STATE_DIR', 'the state dir', input.stateDir],
    ['CONFIG', 'AIPRO_CONFIG_PATH', input.configPath],
    ['AGENT_DIR', 'AIPRO_AGENT_DIR', input.agentDir],
    ...(input.extraWritable ?? []).map((p, i): [string, string, string] => [`EXTRA${i}`, 'the writable directory', p]),
  ];
  for (const [key, label, path] of checks) {
    if (path === undefined) continue;
    const p = plainPath(label, path);
    if (typeof p !== 'string') return { ok: false, reason: 'bad_path', detail: p.detail };
    paths[key] = p;
  }
  for (const [label, path] of [
    ['node', input.node],
    ['aipro', input.aipro],
  ] as const) {
    if (!isAbsolute(path) || /[\n\r\x00]/.test(path))
      return {
        ok: false,
        reason: 'bad_path',
        detail: `the ${label} path ${JSON.stringify(path)} must be absolute and on one line`,
      };
  }
  const credentialLines: string[] = [];
  for (const c of input.credentials) {
    if (!CREDENTIAL_ID_RE.test(c.id))
      return {
        ok: false,
        reason: 'bad_credential',
        detail:
          `credential id ${JSON.stringify(c.id)} must be 1-64 of A-Z a-z 0-9 _ . - (it becomes a file name in ` +
          `$CREDENTIALS_DIRECTORY)`,
      };
    if (c.path === undefined) {
      credentialLines.push(`LoadCredential=${c.id}`);
      continue;
    }
    const p = plainPath(`the file of credential ${c.id}`, c.path);
    if (typeof p !== 'string') return { ok: false, reason: 'bad_credential', detail: p.detail };
    credentialLines.push(`LoadCredential=${c.id}:${p}`);
  }
  const env = [`Environment=AIPRO_STATE_DIR=${homeForm(input.stateDir, input)}`];
  if (input.configPath) env.push(`Environment=AIPRO_CONFIG_PATH=${homeForm(input.configPath, input)}`);
  if (input.agentDir) env.push(`Environment=AIPRO_AGENT_DIR=${homeForm(input.agentDir, input)}`);
  const writable = [homeForm(input.stateDir, input)];
  const inside = (p: string) => `${p}/`.startsWith(`${input.stateDir}/`);
  if (input.agentDir && !inside(input.agentDir)) writable.push(homeForm(input.agentDir, input));
  for (const extra of input.extraWritable ?? []) if (!inside(extra)) writable.push(`-${homeForm(extra, input)}`);
  const homeVisible =
    input.flavour === 'user' ||
    [input.stateDir, input.node, input.aipro, input.configPath, input.agentDir, ...(input.extraWritable ?? [])].some(
      (p) => p !== undefined && underHome(p),
    );
  return {
    ok: true,
    values: {
      NODE: execWord(input.node),
      AIPRO: execWord(input.aipro),
      USER: escapeSpecifiers(input.user),
      STATE_DIR: homeForm(input.stateDir, input),
      ENV_FILE: homeForm(join(input.stateDir, '.env'), input),
      READ_WRITE_PATHS: writable.join(' '),
      PROTECT_HOME: homeVisible ? 'read-only' : 'yes',
      ENVIRONMENT: env.join('\n'),
      LOAD_CREDENTIALS: credentialLines.join('\n'),
      FLAVOUR: input.flavour,
      SYSTEMCTL_USER: input.flavour === 'user' ? ' --user' : '',
      VERSION: input.version,
    },
  };
}

/** Render template `name` (e.g. `aipro-monitor.service`) from `templates` (file name → text). */
export function renderUnit(
  name: string,
  templates: Readonly<Record<string, string>>,
  input: RenderInput,
): RenderResult {
  const values = placeholderValues(input);
  if (!values.ok) return values;
  const vars: Record<string, string> = { ...values.values, UNIT: name };
  const source = templates[name];
  if (source === undefined) throw new Error(`no template named ${name}`);
  const expanded = source.replace(/^\{\{([A-Z_]+)\}\}$/gm, (whole, key: string) => {
    const file = INCLUDES[key];
    if (file === undefined) return whole;
    const text = templates[file];
    if (text === undefined) throw new Error(`template ${name} includes ${file}, which is missing`);
    return text.replace(/\n$/, '');
  });
  const out: string[] = [];
  for (const raw of expanded.split('\n')) {
    if (raw.startsWith('##')) continue;
    const flavour = /^@(user|system) /.exec(raw);
    if (flavour && flavour[1] !== input.flavour) continue;
    const line = flavour ? raw.slice(flavour[0].length) : raw;
    const whole = /^\{\{([A-Z_]+)\}\}$/.exec(line);
    if (whole && vars[whole[1] as string] === '') continue;
    out.push(
      line.replace(/\{\{([A-Z_]+)\}\}/g, (_m, key: string) => {
        const v = vars[key];
        if (v === undefined) throw new Error(`template ${name} uses an unknown placeholder {{${key}}}`);
        return v;
      }),
    );
  }
  const text = out
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .replace(/^\n+/, '')
    .replace(/\n*$/, '\n');
  return { ok: true, text };
}
