/** The client APIs the gateway serves: one literal map, one line per API file. */
import { anthropicApi } from './anthropic.js';
import { openaiApi } from './openai.js';
import type { ApiId, ClientApi } from './types.js';

/** Every client API the gateway serves, by id. */
export const APIS: Readonly<Record<ApiId, ClientApi>> = {
  anthropic: anthropicApi,
  openai: openaiApi,
};

export type { ApiId, Body, ClientApi } from './types.js';
