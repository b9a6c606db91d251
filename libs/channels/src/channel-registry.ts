import type { ChannelDefinition, ChannelPlugin, SettingsReader } from './channel-plugin';
import { EMAIL_CHANNEL } from './email/email.channel';
import type { Channel } from './interaction';
import { CHAT_CHANNEL } from './chat/chat.channel';
import { PHONE_CHANNEL } from './phone/phone.channel';
import { SMS_CHANNEL } from './sms/sms.channel';

/** Every channel the hub speaks, one line each. Adding a channel: docs/channels.md. */
const CHANNEL_DEFINITIONS = {
  email: EMAIL_CHANNEL,
  sms: SMS_CHANNEL,
  phone: PHONE_CHANNEL,
  chat: CHAT_CHANNEL,
} satisfies { [C in Channel]?: ChannelDefinition<unknown, ChannelPlugin & { channel: C }> };

type Definitions = typeof CHANNEL_DEFINITIONS;
export type RegisteredChannel = keyof Definitions;
type SettingsOf<C extends RegisteredChannel> = Definitions[C] extends ChannelDefinition<infer S, ChannelPlugin> ? S : never;
export type PluginOf<C extends RegisteredChannel> = ReturnType<Definitions[C]['create']>;

/** Each channel's settings, read once at start-up with the rest of the configuration. */
export type ChannelSettings = { [C in RegisteredChannel]: SettingsOf<C> };

export function readChannelSettings(read: SettingsReader): ChannelSettings {
  const entries = Object.entries(CHANNEL_DEFINITIONS).map(([channel, definition]) => [channel, definition.readSettings(read)]);
  return Object.fromEntries(entries) as ChannelSettings;
}

/** The one place generic code finds a channel's plug-in: ingest, outbound and ingress ask here. */
export class ChannelRegistry {
  private readonly plugins = new Map<Channel, ChannelPlugin>();

  constructor(settings: ChannelSettings) {
    for (const [channel, definition] of Object.entries(CHANNEL_DEFINITIONS) as [
      RegisteredChannel,
      ChannelDefinition<unknown, ChannelPlugin>,
    ][]) {
      this.plugins.set(channel, definition.create(settings[channel]));
    }
  }

  /** A channel's own plug-in, typed, for the ingress folder named after it. */
  get<C extends RegisteredChannel>(channel: C): PluginOf<C> {
    return this.plugins.get(channel) as PluginOf<C>;
  }

  /** Any channel's plug-in, for generic code; undefined for a channel the hub does not speak yet. */
  find(channel: Channel): ChannelPlugin | undefined {
    return this.plugins.get(channel);
  }
}
