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

/** Go template text per fix. */
export const GO_FIX: Record<FixKey, string> = {
  renew: `{{ if eq $labels.source "env" }}${envKey}{{ else if eq $labels.type "oauth" }}${login}{{ else if eq $labels.type "api_key" }}${addKey}{{ else if eq $labels.provider "anthropic" }}${setup}{{ else }}${paste}{{ end }}`,
  'renew-expired': `{{ if eq $labels.type "oauth" }}${login}{{ else if eq $labels.provider "anthropic" }}${setup}{{ else }}${paste}{{ end }}`,
  'replace-rejected': `{{ if eq $labels.source "env" }}set a new {{ $labels.provider }} API key in the environment or ~/.aipro/.env{{ else if eq $labels.type "oauth" }}${login}{{ else if eq $labels.type "token" }}${paste} (for a Claude Code-only credential, use an Anthropic API key instead){{ else }}${addKey}{{ end }}`,
  login,
  'add-missing':
    '`aipro models auth add-key --provider {{ $labels.provider }} --agent {{ $labels.agent }}`{{ if eq $labels.provider "anthropic" }} (or `claude setup-token` then `aipro models auth setup-token --provider anthropic --agent {{ $labels.agent }}`){{ end }}, then `aipro models status --agent {{ $labels.agent }}`',
  'replace-invalid': `{{ if eq $labels.type "oauth" }}${login}{{ else if eq $labels.type "api_key" }}${addKey}{{ else }}\`aipro models auth paste-token --provider {{ $labels.provider }} ${ids} --expires-in 365d\`{{ end }}`,
  'store-expiry': `\`aipro models auth paste-token --provider {{ $labels.provider }} ${ids} --expires-in 365d\``,
  doctor: 'run `aipro doctor` on the host (`aipro doctor --fix` restores auth-profiles.json.bak)',
};
