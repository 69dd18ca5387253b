/** The channel registry: one literal map, one line per channel file. */
import type { BuildContext, Channel } from '../types.js';
import { buildAlertmanager } from './alertmanager.js';
import { ChannelConfigError, isChannelType, type ChannelType } from '../../config/channels.js';
import { buildEmail } from './email.js';
import { buildWebhook } from './webhook.js';

export type { BuildContext } from '../types.js';

type Builder = (name: string, raw: Record<string, unknown>, ctx: BuildContext) => Channel;

/** Keyed by the same channel types the config layer checks. */
export const CHANNELS: Readonly<Record<ChannelType, Builder>> = {
  email: buildEmail,
  webhook: buildWebhook,
  alertmanager: buildAlertmanager,
};

/** Build every configured channel; a bad one is reported by key and does not stop the others. */
export function buildChannels(ctx: BuildContext): {
  channels: Channel[];
  errors: { channel: string; message: string }[];
} {
  const channels: Channel[] = [];
  const errors: { channel: string; message: string }[] = [];
  for (const [name, raw] of Object.entries(ctx.config.alerts.channels)) {
    const build = isChannelType(raw.type) ? CHANNELS[raw.type] : undefined;
    if (!build) {
      errors.push({
        channel: name,
        message: `alerts.channels.${name}.type: must be one of ${Object.keys(CHANNELS).join(', ')}`,
      });
      continue;
    }
    try {
      channels.push(build(name, raw as Record<string, unknown>, ctx));
    } catch (err) {
      if (!(err instanceof ChannelConfigError)) throw err;
      errors.push({ channel: name, message: err.message });
    }
  }
  return { channels, errors };
}
