/**
 * Answers to `/model` chat commands, as plain text the API adapter wraps into a normal
 * assistant reply. `set`/`pick`/`reset` change the session (persisted per agent).
 */
import { resolveOrder, unavailableUntil } from '../store/order.js';
import { profileProvider, type Store } from '../store/schema.js';
import { formatDuration, isoUtc } from '../util/duration.js';
import type { AgentState } from './agent-state.js';
import type { ClientApi } from './apis/index.js';
import { primaryModel, providerEndpoint, resolveRequested } from './candidates.js';
import { MODEL_USAGE, type ModelCommand } from './commands.js';
import { menuEntries, menuLine, providerAuthState } from './menu.js';
import type { Runtime } from './runtime.js';
import type { SessionState } from './sessions.js';
import { OperatorError } from '../util/operator-error.js';
import { describeStatus } from './model-status.js';

/** What a `/model` command runs against. */
export interface CommandInput {
  agent: AgentState;
  store: Store;
  sessionId: string;
  session: SessionState | undefined;
  requested: unknown;
}

/** Execute one command; returns the reply text. */
export async function answerModelCommand(
  rt: Runtime,
  api: ClientApi,
  cmd: ModelCommand,
  input: CommandInput,
): Promise<string> {
  switch (cmd.kind) {
    case 'list':
      return listText(rt, api, input);
    case 'status':
      return describeStatus(rt, api, input);
    case 'usage':
      return `${cmd.detail}.\n${MODEL_USAGE}`;
    case 'reset': {
      const r = await saveSession(input, () => null);
      if (!r.ok) return `Could not clear the session choice: ${r.detail}.`;
      return (
        'Session model and pinned profile cleared: requests use the model they name (or models.default) with the ' +
        'normal credential order.'
      );
    }
    case 'pick': {
      const entries = menuEntries(rt.config);
      const e = entries[cmd.index - 1];
      if (!e) return `There is no model ${cmd.index}: the list has ${entries.length}.\n\n${listText(rt, api, input)}`;
      return setModel(rt, api, input, e.ref, e.aliases[0] ?? e.ref, cmd.profile);
    }
    case 'set':
      return setModel(rt, api, input, cmd.ref, cmd.ref, cmd.profile);
  }
}

/**
 * Change the session under its lock. A write the host refused (full disk, read-only, a lock
 * held too long) is told in the reply with its cause and fix, not turned into a 500.
 */
async function saveSession(
  input: CommandInput,
  change: () => SessionState | null,
): Promise<{ ok: true } | { ok: false; detail: string }> {
  try {
    return await input.agent.sessions.update(input.sessionId, change);
  } catch (err) {
    if (err instanceof OperatorError) return { ok: false, detail: err.message.replace(/\.$/, '') };
    throw err;
  }
}

function currentRef(rt: Runtime, api: ClientApi, input: CommandInput): string | undefined {
  const p = primaryModel(input.session?.model, input.requested, rt.config, api.id);
  return p.ok ? `${p.ref.provider}/${p.ref.model}` : undefined;
}

function listText(rt: Runtime, api: ClientApi, input: CommandInput): string {
  const now = rt.now();
  const warnMs = rt.config.auth.warnHours * 3_600_000;
  const current = currentRef(rt, api, input);
  const entries = menuEntries(rt.config);
  const lines = entries.map((e, i) =>
    menuLine(i, e, providerAuthState(input.agent, input.store, e.provider, now, warnMs), e.ref === current),
  );
  if (current && !entries.some((e) => e.ref === current))
    lines.push(`    current: ${current} (not in the configured models)`);
  const pin = input.session?.profile ? `\nPinned auth profile: ${input.session.profile}` : '';
  return [
    `Models (agent ${input.agent.id}, session ${input.sessionId}):`,
    ...lines,
    pin,
    'Pick with `/model N` or `/model <alias>`; pin a credential with `/model <alias>@<profileId>`; `/model status` ' +
      'shows the full view.',
  ]
    .filter((l) => l !== '')
    .join('\n');
}

async function setModel(
  rt: Runtime,
  api: ClientApi,
  input: CommandInput,
  ref: string,
  label: string,
  profile: string | undefined,
): Promise<string> {
  const m = resolveRequested(ref, rt.config, api.id);
  if (!m)
    return (
      `"${ref}" is not a model: use an alias ` +
      `(${Object.keys(rt.config.models.aliases).join(', ') || 'none configured'}) or provider/model.\n${MODEL_USAGE}`
    );
  const full = `${m.provider}/${m.model}`;
  const endpoint = providerEndpoint(m.provider, rt.config);
  if (!endpoint)
    return (
      `aipro does not know provider "${m.provider}" (add models.providers.${m.provider}.baseUrl to the config). ` +
      `Nothing changed.`
    );
  const valid = input.agent.profileIds(input.store, m.provider);
  if (profile !== undefined && !valid.includes(profile)) {
    const other =
      profileProvider(profile) !== m.provider
        ? ` (it is not ${/^[aeiou]/i.test(m.provider) ? 'an' : 'a'} ${m.provider} profile)`
        : '';
    return valid.length > 0
      ? `Unknown auth profile "${profile}" for ${m.provider}${other}. Valid profiles: ${valid.join(', ')}.\nExample: ` +
          `\`/model ${label}@${valid[0]}\``
      : `Unknown auth profile "${profile}": ${m.provider} has no credentials on this agent. Add one with \`aipro ` +
          `models auth add-key --provider ${m.provider}\`.`;
  }
  const r = await saveSession(input, () => ({
    model: full,
    ...(profile ? { profile } : {}),
    ...(label !== full ? { label } : {}),
    updatedAt: rt.now(),
  }));
  if (!r.ok) return `Could not save the session choice: ${r.detail}.`;
  const lines = [`Model for this session: ${full}${label !== full ? ` (${label})` : ''}.`];
  const now = rt.now();
  if (profile) {
    lines.push(`Pinned auth profile: ${profile}.`);
    const until = unavailableUntil(input.store.usageStats?.[profile], now);
    if (until > 0)
      lines.push(
        `⚠ ${profile} is cooling down until ${isoUtc(until)} (${formatDuration(until - now)} left); it is still ` +
          `used first because you pinned it.`,
      );
  } else {
    const envProfileId = input.agent.envProfileId(m.provider);
    const configOrder = rt.config.auth.order[m.provider];
    const next = resolveOrder({
      provider: m.provider,
      store: input.store,
      now,
      ...(configOrder ? { configOrder } : {}),
      ...(envProfileId ? { envProfileId } : {}),
    })[0];
    lines.push(
      next
        ? `Next auth profile: ${next} (no pin; \`/model ${label}@<profileId>\` pins one).`
        : `⚠ ${m.provider} has no credentials on this agent: add one with \`aipro models auth add-key --provider ` +
            `${m.provider}\`.`,
    );
  }
  if (api.upstreamPath(endpoint.api) === null)
    lines.push(`⚠ ${m.provider} cannot be served on ${api.route}; requests here fall back to models.fallbacks.`);
  return lines.join('\n');
}
