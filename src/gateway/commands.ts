/**
 * `/model` chat commands: parsing only (pure). The gateway answers them itself instead
 * of forwarding (see `model-replies.ts` for what each one says).
 */

/** A parsed `/model` command. */
export type ModelCommand =
  | { kind: 'list' }
  | { kind: 'status' }
  | { kind: 'reset' }
  | { kind: 'pick'; index: number; profile?: string }
  | { kind: 'set'; ref: string; profile?: string }
  | { kind: 'usage'; detail: string };

const COMMAND_RE = /^\/model(?:\s+([\s\S]*))?$/;

/**
 * Parse the text of the last user message. Returns null when it is not a `/model`
 * command (then the request is forwarded as usual). `/models` is not `/model`.
 */
export function parseModelCommand(text: string | null, aliases: Record<string, string> = {}): ModelCommand | null {
  if (text === null) return null;
  const m = COMMAND_RE.exec(text.trim());
  if (!m) return null;
  const args = (m[1] ?? '').trim().split(/\s+/).filter(Boolean);
  if (args.length === 0) return { kind: 'list' };
  if (args.length > 1) return { kind: 'usage', detail: `\`/model\` takes one argument, got ${args.length}` };
  const arg = args[0] as string;
  // An alias named like a sub-command stays reachable: aliases win.
  const isAlias = Object.hasOwn(aliases, arg);
  if (!isAlias && arg === 'list') return { kind: 'list' };
  if (!isAlias && arg === 'status') return { kind: 'status' };
  if (!isAlias && arg === 'reset') return { kind: 'reset' };
  // Profile ids may contain "@" (openai-codex:me@example.com); model refs never do.
  const at = arg.indexOf('@');
  const ref = at >= 0 ? arg.slice(0, at) : arg;
  const profile = at >= 0 ? arg.slice(at + 1) : undefined;
  if (ref === '') return { kind: 'usage', detail: 'name a model before "@", e.g. `/model sonnet@anthropic:work`' };
  if (profile === '') return { kind: 'usage', detail: 'name a profile after "@", e.g. `/model sonnet@anthropic:work`' };
  if (/^\d+$/.test(ref) && !Object.hasOwn(aliases, ref))
    return { kind: 'pick', index: Number(ref), ...(profile ? { profile } : {}) };
  return { kind: 'set', ref, ...(profile ? { profile } : {}) };
}

/** The help line every usage reply ends with. */
export const MODEL_USAGE =
  'Usage: `/model` or `/model list` (picker) · `/model N` · `/model <alias-or-provider/model>` · `/model ' +
  '<alias-or-id>@<profileId>` (pin a credential) · `/model status` · `/model reset`';
