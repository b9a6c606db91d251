import type { Channel } from '@omnihub/channels';

/** The recipient texted STOP (or a synonym): nothing may be sent until they text START. */
export class SmsRecipientOptedOutError extends Error {
  constructor(readonly phone: string) {
    super(`${phone} has opted out of SMS (replied STOP); nothing was sent. The customer can opt back in by texting START.`);
  }
}

/** The conversation's channel has no way to send an agent's reply (yet). */
export class ReplyChannelUnavailableError extends Error {
  constructor(channel: Channel, why: string) {
    super(`Replies cannot be sent on the ${channel} channel: ${why}. An internal note (private: true) can still be added.`);
  }
}

/** The reply does not fit the channel (too long for one SMS conversation turn). */
export class ReplyTooLongError extends Error {
  constructor(channel: Channel, max: number, length: number) {
    super(`text is ${length} characters; ${channel} replies are limited to ${max}`);
  }
}
