/** The provider registry: one literal map, one line per provider file. */
import { anthropic } from './anthropic.js';
import { google } from './google.js';
import { openaiCodex } from './openai-codex.js';
import { openaiCompatible } from './openai-compatible.js';
import { openai } from './openai.js';
import { openrouter } from './openrouter.js';
import type { Provider } from './types.js';

export const PROVIDERS: Readonly<Record<string, Provider>> = {
  anthropic,
  openai,
  openrouter,
  google,
  'openai-codex': openaiCodex,
  'openai-compatible': openaiCompatible,
};

export function getProvider(id: string): Provider | undefined {
  return Object.hasOwn(PROVIDERS, id) ? PROVIDERS[id] : undefined;
}

export function providerIds(): string[] {
  return Object.keys(PROVIDERS);
}

export type { Provider } from './types.js';
