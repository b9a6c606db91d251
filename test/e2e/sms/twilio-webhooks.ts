import { randomBytes } from 'node:crypto';
import twilio from 'twilio';
import { TWILIO_AUTH_TOKEN } from '../../support/hub';

/** What the hub is told its public address is; Twilio signs URLs under it. */
export const PUBLIC_BASE_URL = 'https://hub.example.test';
export const TWILIO_ACCOUNT_SID = `AC${'0123456789abcdef'.repeat(2)}`;
export const TWILIO_FROM_NUMBER = '+15005550006';

export interface WebhookResponse {
  status: number;
  contentType: string | null;
  text: string;
  json?: { statusCode: number; message: string; errors?: Array<{ path: string; message: string }> };
}

export type Params = Record<string, string>;

/** A fresh Twilio-shaped MessageSid. */
export const messageSid = () => `SM${randomBytes(16).toString('hex')}`;

/** Twilio's parameters for an inbound SMS. */
export function inboundSms(from: string, body: string, extra: Params = {}): Params {
  return {
    MessageSid: messageSid(),
    AccountSid: TWILIO_ACCOUNT_SID,
    From: from,
    To: TWILIO_FROM_NUMBER,
    Body: body,
    NumMedia: '0',
    NumSegments: '1',
    ApiVersion: '2010-04-01',
    ...extra,
  };
}

/**
 * Posts a webhook as Twilio does: form-encoded, signed with the auth token over the public URL
 * and the parameters (and the query string, when given). `signature` replaces the real one
 * (null: no header at all).
 */
export async function postTwilioWebhook(
  apiUrl: string,
  path: '/webhooks/twilio/sms' | '/webhooks/twilio/status',
  params: Params,
  options: { signature?: string | null; signedUrl?: string; authToken?: string; query?: string } = {},
): Promise<WebhookResponse> {
  const target = `${path}${options.query ?? ''}`;
  const signature =
    options.signature === undefined
      ? twilio.getExpectedTwilioSignature(
          options.authToken ?? TWILIO_AUTH_TOKEN,
          options.signedUrl ?? `${PUBLIC_BASE_URL}${target}`,
          params,
        )
      : options.signature;
  const response = await fetch(`${apiUrl}${target}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(signature !== null && { 'x-twilio-signature': signature }) },
    body: new URLSearchParams(params).toString(),
  });
  const text = await response.text();
  const contentType = response.headers.get('content-type');
  return { status: response.status, contentType, text, ...(contentType?.includes('json') && { json: JSON.parse(text) }) };
}
