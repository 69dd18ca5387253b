/**
 * `aipro completion bash|zsh|fish`: print a completion script for the shell, built from the
 * live command tree. `aipro completion ids profiles|agents|providers` (hidden; the scripts
 * call it) prints ids read from the stores: profile ids only, never a secret.
 */
import type { Command } from 'commander';
import { PROVIDERS } from '../providers/index.js';
import { readStore } from '../store/read.js';
import { bashScript, fishScript, zshScript, VALUE_KINDS, type CompletionNode } from './completion-scripts.js';
import { listAgents, loadContext } from '../context.js';
import { usageError } from './errors.js';
import { contextOptions, io } from './io.js';

const isHidden = (c: Command) => Boolean((c as unknown as { _hidden?: boolean })._hidden);

/** The tree below `root` as completion nodes (hidden commands and options left out). */
export function completionNodes(root: Command): CompletionNode[] {
  const out: CompletionNode[] = [];
  const walk = (cmd: Command, path: string) => {
    const visible = cmd.commands.filter((c) => !isHidden(c));
    const options = cmd.options.filter((o) => !o.hidden);
    const flags = options.flatMap((o) => [o.long, o.short].filter((f): f is string => Boolean(f)));
    const args = cmd.registeredArguments.some((a) => /^(profileId|ids)$/.test(a.name())) ? 'profiles' : 'none';
    out.push({
      path,
      subcommands: visible.map((c) => c.name()),
      options: [...flags, '--help'],
      valueOptions: options
        .filter((o) => o.required || o.optional)
        .flatMap((o) => [o.long, o.short].filter((f): f is string => Boolean(f))),
      args,
    });
    for (const c of visible) walk(c, path ? `${path} ${c.name()}` : c.name());
  };
  walk(root, '');
  return out;
}

function agentIds(): string[] {
  return listAgents(loadContext(contextOptions())).map((a) => a.id);
}

/** Profile ids of every agent's store (keys only: a store's secrets never leave this function). */
function profileIds(): string[] {
  const ids = new Set<string>();
  for (const agent of listAgents(loadContext(contextOptions()))) {
    const read = readStore(agent.storePath);
    if (read.ok) for (const id of Object.keys(read.store.profiles)) ids.add(id);
  }
  return [...ids].sort();
}

function ids(kind: string): string[] {
  // A shell is waiting on this: a bad config or store must not print an error mid-completion.
  try {
    if (kind === 'profiles') return profileIds();
    if (kind === 'agents') return agentIds();
    if (kind === 'providers') return Object.keys(PROVIDERS).sort();
  } catch {
    return [];
  }
  throw usageError(`unknown id kind "${kind}" (one of: ${[...new Set(Object.values(VALUE_KINDS))].join(', ')})`);
}

const INSTALL = `
Install (then open a new shell):
  bash:  aipro completion bash > ~/.local/share/bash-completion/completions/aipro
  zsh:   aipro completion zsh > "\${fpath[1]}/_aipro"   # or: source <(aipro completion zsh) in ~/.zshrc
  fish:  aipro completion fish > ~/.config/fish/completions/aipro.fish

Completes commands, flags, and profile and agent ids read from the stores (never secrets).`;

export function register(program: Command): void {
  const completion = program
    .command('completion')
    .description('print a shell completion script (bash, zsh or fish)')
    .addHelpText('after', INSTALL);
  const scripts = { bash: bashScript, zsh: zshScript, fish: fishScript };
  for (const [shell, make] of Object.entries(scripts)) {
    completion
      .command(shell)
      .description(`print the ${shell} completion script`)
      .action(() => {
        io().stdout.write(make(completionNodes(program)));
      });
  }
  completion
    .command('ids <kind>', { hidden: true })
    .description('print profile, agent or provider ids, one a line (used by the scripts)')
    .action((kind: string) => {
      const list = ids(kind);
      io().stdout.write(list.length ? `${list.join('\n')}\n` : '');
    });
}
