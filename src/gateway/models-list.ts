/** `GET /v1/models`: configured models and aliases, in the client's API format. */
import type { AiproConfig } from '../config/schema.js';
import type { ApiId } from './apis/index.js';
import { configuredModels } from './candidates.js';

/** The `GET /v1/models` body in the client API's format. */
export function modelsList(config: Pick<AiproConfig, 'models'>, api: ApiId): unknown {
  const ids = [...configuredModels(config), ...Object.keys(config.models.aliases).sort()];
  if (api === 'anthropic') {
    const data = ids.map((id) => ({ type: 'model', id, display_name: id, created_at: '1970-01-01T00:00:00Z' }));
    return { data, has_more: false, first_id: data[0]?.id ?? null, last_id: data[data.length - 1]?.id ?? null };
  }
  return {
    object: 'list',
    data: ids.map((id) => ({
      id,
      object: 'model',
      created: 0,
      owned_by: id.includes('/') ? id.slice(0, id.indexOf('/')) : 'aipro',
    })),
  };
}
