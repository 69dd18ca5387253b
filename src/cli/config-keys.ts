/**
 * The config keys for `aipro config --help`, read from the convict schema (the one place
 * settings are declared), so the help can never list a key that does not exist or miss one.
 */
import { schema } from '../config/schema.js';
import { wrapLine } from './table.js';

export interface ConfigKey {
  key: string;
  doc: string;
  default: unknown;
  env?: string;
  /** Secret-valued: a literal or an env/file reference, always printed redacted. */
  sensitive?: boolean;
  /** The only values the key accepts, when the schema lists them. */
  choices?: string[];
}

const isObject = (v: unknown): v is Record<string, unknown> => Boolean(v) && typeof v === 'object' && !Array.isArray(v);

/** Every leaf of the schema as a dotted key (`__default` is the `default` key, see load.ts). */
export function configKeys(
  node: Record<string, unknown> = schema as unknown as Record<string, unknown>,
  prefix = '',
): ConfigKey[] {
  const out: ConfigKey[] = [];
  for (const [name, v] of Object.entries(node)) {
    if (!isObject(v)) continue;
    const key = `${prefix}${name === '__default' ? 'default' : name}`;
    if (Object.hasOwn(v, 'default')) {
      out.push({
        key,
        doc: String(v.doc ?? ''),
        default: v.default,
        ...(typeof v.env === 'string' ? { env: v.env } : {}),
        ...(v.sensitive === true ? { sensitive: true } : {}),
        ...(Array.isArray(v.format) ? { choices: v.format.map(String) } : {}),
      });
    } else out.push(...configKeys(v, `${key}.`));
  }
  return out;
}

/** The key list as help text, one key a line (wrapped to `width`). */
export function configKeysHelp(width = 80): string {
  const keys = configKeys();
  const pad = Math.max(...keys.map((k) => k.key.length)) + 2;
  const lines = keys.flatMap((k) => {
    const extra = [`default ${JSON.stringify(k.default)}`, ...(k.env ? [`env ${k.env}`] : [])].join('; ');
    return wrapLine(`  ${k.key.padEnd(pad)}${k.doc} (${extra})`, width, ' '.repeat(pad + 2));
  });
  return `\nConfig keys (maps such as alerts.channels.<name> take sub-keys):\n${lines.join('\n')}\n`;
}
