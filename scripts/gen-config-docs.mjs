#!/usr/bin/env node
/**
 * Writes the config key reference in docs/configuration.md from the convict schema
 * (src/config/schema.ts, the one place settings are declared), so the docs cannot miss a key
 * or keep one that is gone. Only the part between the two GENERATED markers is rewritten; the
 * prose around it is kept.
 *
 *   npm run docs:config            rewrite the file
 *   npm run docs:config -- --check exit 1 when the file is not current
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const BEGIN = '<!-- BEGIN GENERATED: config keys (npm run docs:config) -->';
export const END = '<!-- END GENERATED: config keys -->';
export const DOC_PATH = fileURLToPath(new URL('../docs/configuration.md', import.meta.url));

const cell = (s) => String(s).replace(/\|/g, '\\|').replace(/\n/g, ' ');
const code = (s) => (s === '' ? '' : `\`${cell(s)}\``);

/** The key table as markdown, one row per key, in schema order. */
export function renderConfigKeys(keys) {
  const rows = keys.map((k) => {
    let meaning = k.doc;
    if (k.choices) meaning += ` One of ${k.choices.map((c) => `\`${c}\``).join(', ')}.`;
    if (k.sensitive)
      meaning += ' Secret: a literal or a `{"source":"env"|"file","id":…}` reference, always printed `[redacted]`.';
    return `| \`${k.key}\` | ${code(JSON.stringify(k.default))} | ${k.env ? `\`${k.env}\`` : ''} | ${cell(meaning)} |`;
  });
  return [
    '## Config keys',
    '',
    'Maps (`alerts.channels.<name>`, `models.providers.<id>`, `auth.order.<provider>`, `env.vars`) take sub-keys',
    'described on the page of their topic. An env override wins over the file.',
    '',
    '| key | default | env override | meaning |',
    '|---|---|---|---|',
    ...rows,
  ].join('\n');
}

/** `text` with the generated block replaced; throws when the markers are missing. */
export function updateDoc(text, keys) {
  const a = text.indexOf(BEGIN);
  const b = text.indexOf(END);
  if (a < 0 || b < a) throw new Error(`docs/configuration.md: the markers ${BEGIN} … ${END} are missing`);
  return `${text.slice(0, a + BEGIN.length)}\n${renderConfigKeys(keys)}\n${text.slice(b)}`;
}

async function main() {
  const { configKeys } = await import('../src/cli/config-keys.ts');
  const current = readFileSync(DOC_PATH, 'utf8');
  const next = updateDoc(current, configKeys());
  if (process.argv.includes('--check')) {
    if (next !== current) {
      process.stderr.write('docs/configuration.md is not current: run `npm run docs:config`\n');
      process.exitCode = 1;
    }
    return;
  }
  if (next !== current) writeFileSync(DOC_PATH, next);
  process.stdout.write(`docs/configuration.md: ${configKeys().length} keys${next === current ? ' (unchanged)' : ''}\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
