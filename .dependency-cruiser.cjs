/**
 * The direction of dependencies, checked by `npm run depcheck` (part of `npm test`):
 * cli → daemon/gateway/doctor/systemd/launchd → alerts/exporters/monitors →
 * providers/oauth/http → the core (store, config, env, util, context, errors, log,
 * observation). Folder-level cycles are checked by scripts/depcheck.mjs on the same graph.
 */
const CORE = '^src/(store|config|env|util)/|^src/(context|errors|log|observation|version)\\.ts$';

module.exports = {
  forbidden: [
    {
      name: 'no-import-of-cli',
      comment: 'Only the CLI parses argv, prompts and prints; nothing below it may import src/cli/.',
      severity: 'error',
      from: { pathNot: '^src/cli/' },
      to: { path: '^src/cli/' },
    },
    {
      name: 'monitors-return-outcomes',
      comment: 'Monitors and their runner return observations/outcomes; the daemon hands them to exporters and alerts.',
      severity: 'error',
      from: { path: '^monitors/' },
      to: { path: '^exporters/|^src/alerts/' },
    },
    {
      name: 'core-knows-no-provider-probing',
      comment: 'The core may read the static provider catalog, never probing, OAuth, HTTP, gateway, daemon, alerts, exporters or monitors.',
      severity: 'error',
      from: { path: CORE },
      to: {
        path: '^src/(providers|oauth|http|gateway|daemon|alerts|doctor|systemd|launchd)/|^exporters/|^monitors/',
        pathNot: '^src/providers/catalog\\.ts$',
      },
    },
    {
      name: 'channels-are-independent',
      comment: 'A channel plug-in never imports a sibling channel; shared helpers live in channels/http.ts.',
      severity: 'error',
      from: { path: '^src/alerts/channels/([^/]+)\\.ts$', pathNot: '^src/alerts/channels/index\\.ts$' },
      to: { path: '^src/alerts/channels/', pathNot: '^src/alerts/channels/http\\.ts$' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|dist|test|bench|scripts)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
