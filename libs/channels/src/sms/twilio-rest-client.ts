import twilio from 'twilio';
import type RequestClient from 'twilio/lib/base/RequestClient';

/** Long enough for Twilio on a bad day, short enough that a hung request does not hold a job. */
const REQUEST_TIMEOUT_MS = 15_000;

/**
 * The SDK's own HTTP client, with every request sent to a Twilio-compatible API instead of
 * Twilio's hosts. The SDK's `edge` and `region` options only choose among twilio.com hosts, so
 * a custom http client is its one supported way to change the origin. The path and query are
 * kept, so the other end sees exactly what Twilio would (`/2010-04-01/Accounts/AC…/Messages.json`).
 */
export class RedirectedRequestClient extends twilio.RequestClient {
  private readonly base: string;

  constructor(baseUrl: string) {
    super({ timeout: REQUEST_TIMEOUT_MS });
    this.base = baseUrl.replace(/\/+$/, '');
  }

  override request<TData>(opts: RequestClient.RequestOptions<TData>) {
    const original = new URL(opts.uri);
    return super.request({ ...opts, uri: `${this.base}${original.pathname}${original.search}` });
  }
}

export interface TwilioClientSettings {
  accountSid: string;
  authToken: string;
  apiBaseUrl?: string;
}

/** A Twilio REST client; the SDK's own 429 retries stay off because the outbound job retries. */
export function createTwilioClient({ accountSid, authToken, apiBaseUrl }: TwilioClientSettings): twilio.Twilio {
  const httpClient = apiBaseUrl ? new RedirectedRequestClient(apiBaseUrl) : new twilio.RequestClient({ timeout: REQUEST_TIMEOUT_MS });
  return twilio(accountSid, authToken, { httpClient, autoRetry: false });
}
