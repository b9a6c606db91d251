import twilio from 'twilio';
import { ChannelSendError } from '../channel-plugin';
import { TWILIO_UNSUBSCRIBED_RECIPIENT } from './sms-delivery-status';

/** Replies cannot go out at all: the operator has not given the hub Twilio credentials. */
export class SmsNotConfiguredError extends ChannelSendError {
  constructor(readonly missing: string[]) {
    super(`SMS replies are not configured: set ${missing.join(', ')} on the worker to send SMS through Twilio`, false, null);
  }
}

/**
 * Twilio (or the network on the way) refused a message. `retryable` says whether the same
 * request may succeed later: Twilio's 5xx, rate limiting (429) and network failures may;
 * any other 4xx (bad number, unsubscribed recipient, bad credentials) will not.
 */
export class SmsSendError extends ChannelSendError {
  constructor(
    message: string,
    retryable: boolean,
    /** Twilio's error code (https://www.twilio.com/docs/api/errors), when it gave one. */
    code: number | null,
    readonly httpStatus: number | null,
  ) {
    // Twilio keeps its own STOP list: a number that opted out there is blocked, not broken.
    super(message, retryable, code, code === TWILIO_UNSUBSCRIBED_RECIPIENT ? 'blocked' : 'failed');
  }
}

export function toSmsSendError(error: unknown): SmsSendError {
  if (error instanceof twilio.RestException) {
    const retryable = error.status >= 500 || error.status === 429;
    return new SmsSendError(`Twilio answered ${error.status}: ${error.message}`, retryable, error.code ?? null, error.status);
  }
  // No HTTP answer at all (refused, reset, timed out): the message may be sent on a retry.
  const detail = error instanceof Error ? error.message : String(error);
  return new SmsSendError(`Twilio could not be reached: ${detail}`, true, null, null);
}
