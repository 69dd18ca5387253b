/**
 * Rendering launchd property lists: pure, data in, XML text out. One job per plist; every
 * string is XML-escaped here, and a path launchd could not use is refused with the reason.
 */
import { isAbsolute, join } from 'node:path';
import type { ServiceInput } from '../util/service-input.js';
import { JOBS, MANAGED_MARKER, type JobName } from './jobs.js';

/**
 * Everything a rendered plist depends on; collected by input.ts from this host. The job's logs
 * go to `<stateDir>/logs/`; `home` is set as HOME for LaunchDaemons.
 */
export type RenderInput = ServiceInput;

export type PlistValue = string | number | boolean | PlistValue[] | { [key: string]: PlistValue };

export interface RenderedPlist {
  job: JobName;
  label: string;
  /** File name, `<label>.plist`. */
  name: string;
  text: string;
}

export type RenderResult = { ok: true; plist: RenderedPlist } | { ok: false; detail: string };

function escapeXml(s: string): string {
  return s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

/**
 * The XML of one plist value, indented by `depth` tabs (Apple's own style). Integers only: launchd has no use for reals
 * here.
 */
export function plistXml(value: PlistValue, depth = 0): string {
  const pad = '\t'.repeat(depth);
  if (typeof value === 'string') return `${pad}<string>${escapeXml(value)}</string>`;
  if (typeof value === 'boolean') return `${pad}<${value}/>`;
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) throw new Error(`plist integer expected, got ${value}`);
    return `${pad}<integer>${value}</integer>`;
  }
  if (Array.isArray(value))
    return value.length === 0
      ? `${pad}<array/>`
      : `${pad}<array>\n${value.map((v) => plistXml(v, depth + 1)).join('\n')}\n${pad}</array>`;
  const entries = Object.entries(value);
  if (entries.length === 0) return `${pad}<dict/>`;
  const body = entries.map(([k, v]) => `${pad}\t<key>${escapeXml(k)}</key>\n${plistXml(v, depth + 1)}`);
  return `${pad}<dict>\n${body.join('\n')}\n${pad}</dict>`;
}

/** A whole plist document with our marker comment. */
export function plistDocument(root: { [key: string]: PlistValue }, comment: string): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" ` +
    `"http://www.apple.com/DTDs/PropertyList-1.0.dtd">\n<!-- ${comment.replaceAll('--', '- -')} -->\n<plist ` +
    `version="1.0">\n${plistXml(root)}\n</plist>\n`
  );
}

/** Characters XML 1.0 cannot hold at all (a plist with them does not parse). */
const NOT_XML = /[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]/;

function badPath(label: string, path: string | undefined): string | null {
  if (path === undefined) return null;
  if (!isAbsolute(path)) return `${label} ${JSON.stringify(path)} is not an absolute path`;
  if (NOT_XML.test(path) || /[\n\r]/.test(path)) return `${label} ${JSON.stringify(path)} contains control characters`;
  return null;
}

/** `<state>/logs/<name>.log` and `.err.log`: what launchd redirects the job's stdout and stderr to. */
export function logPaths(job: JobName, stateDir: string): { out: string; err: string } {
  const name = JOBS[job].label.replace(/^dev\.aipro\./, '');
  return { out: join(stateDir, 'logs', `${name}.log`), err: join(stateDir, 'logs', `${name}.err.log`) };
}

/** The plist of `job` as data (the tests compare it with what a parser reads back). */
export function jobDict(job: JobName, input: RenderInput): { [key: string]: PlistValue } {
  const spec = JOBS[job];
  // launchd has no EnvironmentFile=: the job runs aipro, which reads <AIPRO_STATE_DIR>/.env itself.
  const env: { [key: string]: string } = { AIPRO_STATE_DIR: input.stateDir };
  if (input.configPath) env.AIPRO_CONFIG_PATH = input.configPath;
  if (input.agentDir) env.AIPRO_AGENT_DIR = input.agentDir;
  if (input.flavour === 'system') env.HOME = input.home;
  const logs = logPaths(job, input.stateDir);
  const dict: { [key: string]: PlistValue } = {
    Label: spec.label,
    ProgramArguments: [input.node, input.aipro, ...spec.args],
    EnvironmentVariables: env,
  };
  if (input.flavour === 'system') dict.UserName = input.user;
  dict.RunAtLoad = true;
  if (spec.mode === 'keepalive') {
    dict.KeepAlive = true;
    dict.ThrottleInterval = 10;
  } else {
    dict.StartInterval = (spec as { intervalS: number }).intervalS;
    dict.ProcessType = 'Background';
  }
  dict.ExitTimeOut = spec.exitTimeoutS;
  dict.Umask = 0o077;
  dict.StandardOutPath = logs.out;
  dict.StandardErrorPath = logs.err;
  return dict;
}

/** Render the plist of `job`, or the first reason this host's paths cannot go in one. */
export function renderPlist(job: JobName, input: RenderInput): RenderResult {
  for (const [label, path] of [
    ['the node path', input.node],
    ['the aipro path', input.aipro],
    ['the state dir', input.stateDir],
    ['AIPRO_CONFIG_PATH', input.configPath],
    ['AIPRO_AGENT_DIR', input.agentDir],
  ] as const) {
    const bad = badPath(label, path);
    if (bad) return { ok: false, detail: bad };
  }
  if (NOT_XML.test(input.user) || input.user === '')
    return { ok: false, detail: `the user name ${JSON.stringify(input.user)} cannot go in a plist` };
  const spec = JOBS[job];
  const comment =
    `${MANAGED_MARKER} written by \`aipro launchd install\` (installed by aipro ${input.version}); \`aipro launchd ` +
    `uninstall\` removes it. Edits are overwritten on the next install.`;
  return {
    ok: true,
    plist: { job, label: spec.label, name: `${spec.label}.plist`, text: plistDocument(jobDict(job, input), comment) },
  };
}
