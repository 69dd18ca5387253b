/**
 * The fix commands of the catalogue (`catalogue.ts` `fix`) as Go templates over a rule alert's
 * labels (`type`, `source`, `provider`, `profile`, `agent`). Pushed alerts name the same
 * commands through `fixFor` in `render.ts`, which knows the provider's own command.
 */
import type { FixKey } from './catalogue.js';

const ids = '--profile-id {{ $labels.profile }} --agent {{ $labels.agent }}';
const login = `\`aipro models auth login --provider {{ $labels.provider }} ${ids}\``;
const addKey = `\`aipro models auth add-key --provider {{ $labels.provider }} ${ids}\``;
const paste = `\`aipro models auth paste-token --provider {{ $labels.provider }} ${ids}\``;
const setup = `\`claude setup-token\` then \`aipro models auth setup-token --provider anthropic ${ids}\``;
const envKey =
  'replace the {{ $labels.provider }} API key in the environment or ~/.aipro/.env, then run `aipro models status`';

/** A Go template `if … else if … else … end`: `[condition, text]` pairs tried in order, then the fallback. */
function goSwitch(cases: [string, string][], otherwise: string): string {
  const branches = cases.map(([cond, text], i) => `{{ ${i === 0 ? 'if' : 'else if'} ${cond} }}${text}`);
  return `${branches.join('')}{{ else }}${otherwise}{{ end }}`;
}

const is = (label: string, value: string) => `eq $labels.${label} "${value}"`;
const claudeOnly = ' (for a Claude Code-only credential, use an Anthropic API key instead)';
const setupOr =
  '{{ if eq $labels.provider "anthropic" }} (or `claude setup-token` then ' +
  '`aipro models auth setup-token --provider anthropic --agent {{ $labels.agent }}`){{ end }}';

/** Go template text per fix. */
export const GO_FIX: Record<FixKey, string> = {
  renew: goSwitch(
    [
      [is('source', 'env'), envKey],
      [is('type', 'oauth'), login],
      [is('type', 'api_key'), addKey],
      [is('provider', 'anthropic'), setup],
    ],
    paste,
  ),
  'renew-expired': goSwitch(
    [
      [is('type', 'oauth'), login],
      [is('provider', 'anthropic'), setup],
    ],
    paste,
  ),
  'replace-rejected': goSwitch(
    [
      [is('source', 'env'), 'set a new {{ $labels.provider }} API key in the environment or ~/.aipro/.env'],
      [is('type', 'oauth'), login],
      [is('type', 'token'), `${paste}${claudeOnly}`],
    ],
    addKey,
  ),
  login,
  'add-missing':
    `\`aipro models auth add-key --provider {{ $labels.provider }} --agent {{ $labels.agent }}\`${setupOr}, ` +
    'then `aipro models status --agent {{ $labels.agent }}`',
  'replace-invalid': goSwitch(
    [
      [is('type', 'oauth'), login],
      [is('type', 'api_key'), addKey],
    ],
    `\`aipro models auth paste-token --provider {{ $labels.provider }} ${ids} --expires-in 365d\``,
  ),
  'store-expiry': `\`aipro models auth paste-token --provider {{ $labels.provider }} ${ids} --expires-in 365d\``,
  doctor: 'run `aipro doctor` on the host (`aipro doctor --fix` restores auth-profiles.json.bak)',
};
