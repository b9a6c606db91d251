import { ReplyRefusedError, type Channel } from '@omnihub/channels';

/** The conversation's channel has no way to send an agent's reply (yet). */
export class ReplyChannelUnavailableError extends ReplyRefusedError {
  constructor(channel: Channel, why: string) {
    super(`Replies cannot be sent on the ${channel} channel: ${why}. An internal note (private: true) can still be added.`);
  }
}
