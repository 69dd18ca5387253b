/** Configs for tests, always built by the real schema and loader (never by hand). */
import { validateConfig } from '../../src/config/load.js';
import type { AiproConfig } from '../../src/config/schema.js';

/** A full config from a partial raw one (defaults filled in by the real schema). */
export function configFrom(raw: Record<string, unknown>, env: Record<string, string> = {}): AiproConfig {
  const r = validateConfig(raw, '<test>', env);
  if (!r.ok) throw new Error(`bad test config: ${r.key}: ${r.detail}`);
  return r.config;
}

/** The default config with `alerts` / `monitor` overrides merged in. */
export function defaultConfig(
  over: { alerts?: Partial<AiproConfig['alerts']>; monitor?: Partial<AiproConfig['monitor']> } = {},
): AiproConfig {
  const c = structuredClone(configFrom({}));
  Object.assign(c.alerts, over.alerts ?? {});
  Object.assign(c.monitor, over.monitor ?? {});
  return c;
}
