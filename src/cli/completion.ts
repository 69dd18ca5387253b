/**
 * `aipro completion bash|zsh|fish`: print a completion script for the shell, built from the
 * live command tree. `aipro completion ids profiles|agents|providers` (hidden; the scripts
 * call it) prints ids read from the stores: profile ids only, never a secret.
 */
import type { Command } from 'commander';
import { PROVIDERS } from '../providers/index.js';
import { bashScript, fishScript, zshScript, VALUE_KINDS, type CompletionNode } from './completion-scripts.js';
import { loadContext } from '../context.js';
import { usageError } from './errors.js';
import { readAgentStores } from './store-backend.js';
import { contextOptions, io, processIo } from './io.js';

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

/** How long a shell waits for ids from the fleet database before it gets none (AIPRO_COMPLETION_WAIT_MS). */
const FLEET_WAIT_MS = 2_000;

function fleetWaitMs(): number {
  const n = Number(io().env.AIPRO_COMPLETION_WAIT_MS);
  return Number.isFinite(n) && n > 0 ? n : FLEET_WAIT_MS;
}

/** Set when the store did not answer in time: the command then exits instead of waiting on it. */
let gaveUp = false;

/**
 * Agent and profile ids read through the configured backend (keys only: a store's secrets
 * never leave this function). A blackholed database gives none within FLEET_WAIT_MS rather
 * than hanging the shell.
 */
async function storeIds(): Promise<{ agents: string[]; profiles: string[] }> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      gaveUp = true;
      reject(new Error('store too slow for completion'));
    }, fleetWaitMs());
  });
  try {
    const { agents, reads } = await Promise.race([readAgentStores(loadContext(contextOptions())), late]);
    const profiles = new Set<string>();
    for (const read of reads) if (read.ok) for (const id of Object.keys(read.store.profiles)) profiles.add(id);
    return { agents: agents.map((a) => a.id), profiles: [...profiles].sort() };
  } finally {
    clearTimeout(timer);
  }
}

async function ids(kind: string): Promise<string[]> {
  // A shell is waiting on this: a bad config or store must not print an error mid-completion.
  try {
    if (kind === 'profiles') return (await storeIds()).profiles;
    if (kind === 'agents') return (await storeIds()).agents;
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
    .action(async (kind: string) => {
      const list = await ids(kind);
      io().stdout.write(list.length ? `${list.join('\n')}\n` : '', () => {
        // The abandoned connection attempt would hold the shell until its own timeout. Only the
        // aipro process itself exits: a run inside another program (run(argv, io)) must not end it.
        if (gaveUp && io() === processIo()) process.exit(0);
      });
    });
}
