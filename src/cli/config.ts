/**
 * `aipro config get|set|unset|validate|path`: read and change `aipro.json` by dotted key.
 * Writes validate the whole resulting config first and never clobber a bad file;
 * secrets are always printed redacted.
 */
import type { Command } from 'commander';
import {
  configErrorMessage,
  getPath,
  loadConfig,
  redactConfig,
  setPath,
  splitConfigKey,
  unsetPath,
} from '../config/load.js';
import { fileLayers, mergeEnv, processLayer } from '../env/load.js';
import { configPath } from '../store/paths.js';
import { configKeysHelp } from './config-keys.js';
import { CliError, EXIT, usageError } from './errors.js';
import { io, setExitCode } from './io.js';

/** The env config validation sees: process env and the two dotenv files (as loadContext). */
function baseEnv(): Record<string, string> {
  return mergeEnv([processLayer(io().env), ...fileLayers(io().env, io().cwd)]).env;
}

const SECRET_VAR = /(KEY|TOKEN|SECRET|PASS|PWD|CREDENTIAL|AUTH)/i;
const SECRET_VALUE = /^(sk-|AIza|eyJ|gh[pousr]_|xox[abp]-)/;

/** Redact a whole config for display: secret-named keys, and secret-looking `env.vars`. */
export function redactForDisplay(config: unknown): unknown {
  const out = redactConfig(config) as Record<string, unknown>;
  const vars = (out?.env as Record<string, unknown> | undefined)?.vars;
  if (vars && typeof vars === 'object') {
    for (const [k, v] of Object.entries(vars)) {
      if (typeof v === 'string' && v !== '' && (SECRET_VAR.test(k) || SECRET_VALUE.test(v)))
        (vars as Record<string, unknown>)[k] = '[redacted]';
    }
  }
  return out;
}

const KEY_RE = /^[A-Za-z0-9_@:-]+(\.[A-Za-z0-9_@:-]+)*$/;
const FORBIDDEN = new Set(['__proto__', 'prototype', 'constructor']);

/** A dotted key the CLI accepts (no empty parts, no prototype tricks). */
export function checkKey(key: string): string {
  if (!KEY_RE.test(key) || key.split('.').some((p) => FORBIDDEN.has(p))) {
    throw usageError(
      `"${key}" is not a config key: use dotted names like alerts.repeat or models.providers.anthropic.baseUrl`,
    );
  }
  return key;
}

/** VALUE as JSON when it parses, else the string itself. */
export function parseValue(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function show(value: unknown, json: boolean): string {
  if (!json && typeof value === 'string') return `${value}\n`;
  return `${JSON.stringify(value, null, 2)}\n`;
}

async function get(key: string | undefined, opts: { json?: boolean }): Promise<number> {
  const env = baseEnv();
  const loaded = loadConfig(env);
  if (!loaded.ok) throw new CliError(configErrorMessage(loaded));
  const shown = redactForDisplay(loaded.config);
  if (key === undefined) {
    io().stdout.write(show(shown, true));
    return EXIT.OK;
  }
  const value = getPath(shown, splitConfigKey(checkKey(key), shown));
  if (value === undefined)
    throw new CliError(
      `reading config key ${key}: it is not set and has no default (\`aipro config get\` lists every key with its ` +
        `value)`,
    );
  io().stdout.write(show(value, Boolean(opts.json)));
  return EXIT.OK;
}

async function set(key: string, text: string, opts: { json?: boolean }): Promise<number> {
  checkKey(key);
  const env = baseEnv();
  const value = parseValue(text);
  const { updateConfigFile } = await import('../config/file.js');
  let parts: string[] = [];
  const path = await updateConfigFile(env, `setting ${key}`, (raw) => {
    parts = splitConfigKey(key, raw, value);
    return { raw: setPath(raw, parts, value), result: configPath(env) };
  });
  const after = loadConfig(env);
  const shown = after.ok ? getPath(redactForDisplay(after.config), parts) : '[redacted]';
  if (opts.json) io().stdout.write(show({ ok: true, path, key, value: shown }, true));
  else io().stdout.write(`Set ${key} = ${JSON.stringify(shown)} in ${path}\n`);
  return EXIT.OK;
}

async function unset(key: string, opts: { json?: boolean }): Promise<number> {
  checkKey(key);
  const env = baseEnv();
  const { updateConfigFile } = await import('../config/file.js');
  const removed = await updateConfigFile(env, `unsetting ${key}`, (raw) => {
    const r = unsetPath(raw, splitConfigKey(key, raw));
    return { raw: r.removed ? r.next : null, result: r.removed };
  });
  const path = configPath(env);
  if (opts.json) io().stdout.write(show({ ok: true, path, key, removed }, true));
  else
    io().stdout.write(
      removed
        ? `Unset ${key} in ${path} (the default applies again)\n`
        : `${key} was not set in ${path}; nothing changed\n`,
    );
  return EXIT.OK;
}

async function validate(opts: { json?: boolean }): Promise<number> {
  const env = baseEnv();
  const loaded = loadConfig(env);
  const { runnableProblems, runProblemText } = await import('../config/runnable.js');
  const problems = loaded.ok ? await runnableProblems(loaded.config, env) : [];
  const lines = problems.map(runProblemText);
  const ok = loaded.ok && lines.length === 0;
  if (opts.json) {
    const doc = loaded.ok
      ? { ok, path: loaded.path, exists: loaded.exists, ...(lines.length ? { errors: lines, problems } : {}) }
      : { ok: false, path: loaded.path, key: loaded.key, detail: loaded.detail };
    io().stdout.write(show(doc, true));
  } else if (!loaded.ok) {
    io().stderr.write(`error: ${configErrorMessage(loaded)}\n`);
  } else if (lines.length) {
    for (const c of lines) io().stderr.write(`error: ${loaded.path}: ${c}\n`);
    const first = problems[0]?.key ?? 'KEY';
    io().stderr.write(
      `The monitor, the gateway or an alert channel would refuse to start on this. Fix it with \`aipro config set ` +
        `${first} VALUE\` (or \`aipro config unset ${first}\`), then \`aipro config validate\`.\n`,
    );
  } else {
    io().stdout.write(`${loaded.path}: valid${loaded.exists ? '' : ' (file does not exist yet: defaults apply)'}\n`);
  }
  return ok ? EXIT.OK : EXIT.FAIL;
}

const HELP = `
Keys are dotted paths into aipro.json (all listed below). VALUE is parsed as
JSON when it is valid JSON, else taken as a string. Secret values are always
shown redacted; prefer a reference like '{"source":"env","id":"SMTP_PASS"}'
to a literal.

Examples:
  aipro config get                  # the whole effective config, redacted
  aipro config get auth.warnHours
  aipro config set auth.warnHours 48
  aipro config set models.default anthropic/claude-sonnet-4-5
  aipro config set alerts.thresholds '["7d","1d","1h"]'
  aipro config set gateway.auth.token \\
    '{"source":"env","id":"AIPRO_GATEWAY_TOKEN"}'
  aipro config unset auth.warnHours
  aipro config validate && echo ok
  aipro config path`;

export function register(program: Command): void {
  const config = program
    .command('config')
    .description('read and change ~/.aipro/aipro.json')
    .addHelpText('after', () => `${HELP}\n${configKeysHelp(Math.min(100, io().stdout.columns || 80))}`);
  config
    .command('get [key]')
    .description('print a key (or the whole effective config), secrets redacted')
    .option('--json', 'always print JSON (strings quoted)')
    .addHelpText(
      'after',
      '\nExamples:\n  aipro config get\n  aipro config get agents.default\n  aipro config get alerts.channels --json',
    )
    .action(async (key: string | undefined, opts: { json?: boolean }) => {
      setExitCode(await get(key, opts));
    });
  config
    .command('set <key> <value>')
    .description(
      'set a key; the whole config is validated (schema, and what the daemons accept at start) before it is written',
    )
    .option('--json', 'print the result as JSON')
    // A VALUE may start with '-' (a negative number, a token): take it as the value, not as a flag.
    .allowUnknownOption()
    .addHelpText(
      'after',
      '\nExamples:\n  aipro config set auth.warnHours 48\n  aipro config set agents.default work\n  aipro config ' +
        'set env.shellEnv.enabled true',
    )
    .action(async (key: string, value: string, opts: { json?: boolean }) => {
      setExitCode(await set(key, value, opts));
    });
  config
    .command('unset <key>')
    .description('remove a key from the file (its default applies again)')
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      '\nExamples:\n  aipro config unset auth.warnHours\n  aipro config unset alerts.channels.ops-mail',
    )
    .action(async (key: string, opts: { json?: boolean }) => {
      setExitCode(await unset(key, opts));
    });
  config
    .command('validate')
    .description(
      'check the config against the schema and against what the monitor, the gateway and the alert channels accept ' +
        'at start (exit 0 valid, 1 invalid)',
    )
    .option('--json', 'print {ok, path, key, detail} (schema) or {ok, path, errors, problems: [{key, detail}]} as JSON')
    .addHelpText(
      'after',
      '\nA schedule node-cron cannot run (e.g. "61 * * * *"), a channel its builder refuses, or a gateway ' +
        'bind\nbeyond loopback without gateway.auth.token is reported with its key, as `config set` refuses ' +
        'it.\n\nExamples:\n  aipro config validate\n  aipro config validate --json',
    )
    .action(async (opts: { json?: boolean }) => {
      setExitCode(await validate(opts));
    });
  config
    .command('path')
    .description('print the path of the config file')
    .addHelpText('after', '\nExamples:\n  aipro config path\n  $EDITOR "$(aipro config path)"')
    .action(() => {
      io().stdout.write(`${configPath(io().env)}\n`);
    });
}
