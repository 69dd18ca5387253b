/**
 * Reading unit files back, the way systemd does, for the parts aipro needs: settings per
 * section, `%` specifiers, ExecStart= word splitting and EnvironmentFile= contents. Used by
 * doctor (is the ExecStart binary still there? which User= reads the env file?) and by the
 * test that runs the oneshot command exactly as systemd would.
 */
import { parseEnv } from 'node:util';

/** Section name → settings in file order (keys may repeat, e.g. Environment=). */
export type UnitSettings = Record<string, [key: string, value: string][]>;

/** Parse unit text: comments, `[Section]` headers, `Key=Value`, backslash line continuation. */
export function parseUnit(text: string): UnitSettings {
  const out: UnitSettings = {};
  let section = '';
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    let line = (lines[i] ?? '').trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    if (line.startsWith('[') && line.endsWith(']')) {
      section = line.slice(1, -1);
      out[section] ??= [];
      continue;
    }
    while (line.endsWith('\\') && i + 1 < lines.length) line = `${line.slice(0, -1)} ${(lines[++i] ?? '').trim()}`;
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    (out[section] ??= []).push([line.slice(0, eq).trim(), line.slice(eq + 1).trim()]);
  }
  return out;
}

/** Every value of `key` in `section`; an empty assignment resets the list, as in systemd. */
export function settingValues(unit: UnitSettings, section: string, key: string): string[] {
  const values: string[] = [];
  for (const [k, v] of unit[section] ?? []) {
    if (k !== key) continue;
    if (v === '') values.length = 0;
    else values.push(v);
  }
  return values;
}

/** What `%h`, `%u`, `%n`, `%t` stand for when the unit runs. */
export interface SpecifierContext {
  home: string;
  user: string;
  unit: string;
  runtimeDir?: string;
}

/** Resolve the `%` specifiers aipro's units use; unknown ones are left for the caller to see. */
export function expandSpecifiers(value: string, ctx: SpecifierContext): string {
  const map: Record<string, string | undefined> = {
    '%': '%',
    h: ctx.home,
    u: ctx.user,
    n: ctx.unit,
    N: ctx.unit.replace(/\.[^.]+$/, ''),
    t: ctx.runtimeDir,
  };
  return value.replace(/%(.)/g, (whole, c: string) => map[c] ?? whole);
}

/** ExecStart= split into argv: leading `@-:+!` flags, quotes, `\` escapes, `$$` and `${VAR}`. */
export function splitExecStart(
  value: string,
  env: Readonly<Record<string, string>>,
): { argv: string[]; ignoreFailure: boolean } {
  let rest = value.trimStart();
  let ignoreFailure = false;
  while (/^[@\-:+!]/.test(rest)) {
    if (rest[0] === '-') ignoreFailure = true;
    rest = rest.slice(1);
  }
  const argv: string[] = [];
  let word = '';
  let inWord = false;
  let quote: '"' | "'" | null = null;
  const ESC: Record<string, string> = { n: '\n', t: '\t', s: ' ', '\\': '\\', '"': '"', "'": "'" };
  for (let i = 0; i < rest.length; i++) {
    const c = rest[i] as string;
    if (quote === null && /\s/.test(c)) {
      if (inWord) argv.push(word);
      word = '';
      inWord = false;
      continue;
    }
    inWord = true;
    if (c === '\\' && i + 1 < rest.length) {
      const n = rest[++i] as string;
      word += ESC[n] ?? n;
    } else if (quote === null && (c === '"' || c === "'")) quote = c;
    else if (c === quote) quote = null;
    else if (c === '$' && rest[i + 1] === '$') {
      word += '$';
      i++;
    } else if (c === '$' && rest[i + 1] === '{') {
      const end = rest.indexOf('}', i);
      word += env[rest.slice(i + 2, end)] ?? '';
      i = end;
    } else word += c;
  }
  if (inWord) argv.push(word);
  return { argv, ignoreFailure };
}

/** An EnvironmentFile= path: a leading `-` means "ignore when missing". */
export function environmentFileRef(value: string): { path: string; optional: boolean } {
  return value.startsWith('-') ? { path: value.slice(1), optional: true } : { path: value, optional: false };
}

/** The variables of an EnvironmentFile= (KEY=VALUE lines, `#` comments, quotes). */
export function parseEnvironmentFile(text: string): Record<string, string> {
  return parseEnv(text) as Record<string, string>;
}

/** Environment= values (`A=1 "B=two words"`) as a map. */
export function parseEnvironmentSetting(values: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const value of values) {
    for (const word of splitExecStart(value, {}).argv) {
      const eq = word.indexOf('=');
      if (eq > 0) out[word.slice(0, eq)] = word.slice(eq + 1);
    }
  }
  return out;
}
