import { createHmac, timingSafeEqual } from 'node:crypto';
import type { ParseResult } from '../channel-plugin';
import { toE164 } from '../phone-number';
import { validateInput } from '../validation/validate-input';
import { ChatIdentifyDto } from './chat.dto';

export interface ChatIdentify {
  name?: string;
  email?: string;
  phone?: string;
}

/** The hex HMAC-SHA256 a site computes for its signed-in user (CONTRACT.md, CHAT_IDENTITY_SECRET). */
export function userHashOf(secret: string, value: string): string {
  return createHmac('sha256', secret).update(value, 'utf8').digest('hex');
}

/**
 * An identify request, checked. With an identity secret, claiming an email or phone needs the
 * site's `userHash` of it (the email when both are given), computed over the value as sent or in
 * its stored form, so a visitor cannot claim someone else's address.
 */
export function parseIdentify(payload: unknown, identitySecret: string | undefined): ParseResult<ChatIdentify> {
  const parsed = validateInput(ChatIdentifyDto, payload);
  if (!parsed.ok) return parsed;
  const { userHash, ...identify } = parsed.value;
  const name = identify.name?.trim() || undefined;
  if (!name && !identify.email && !identify.phone) {
    return { ok: false, errors: [{ path: '(body)', message: 'identify needs at least one of name, email or phone' }] };
  }
  const value: ChatIdentify = { ...(name && { name }) };
  for (const kind of ['email', 'phone'] as const) {
    const raw = identify[kind];
    if (raw === undefined) continue;
    const address = normalized(kind, raw);
    if (!address)
      return {
        ok: false,
        errors: [{ path: kind, message: `${kind} is not a valid ${kind === 'email' ? 'email address' : 'phone number'}` }],
      };
    value[kind] = address;
  }
  const claimed = identify.email !== undefined ? 'email' : identify.phone !== undefined ? 'phone' : null;
  if (identitySecret && claimed) {
    const candidates = [identify[claimed]!.trim(), value[claimed]!];
    if (!userHash || !candidates.some((candidate) => sameHex(userHash, userHashOf(identitySecret, candidate)))) {
      return {
        ok: false,
        errors: [
          {
            path: 'userHash',
            message: `userHash is ${userHash ? 'not the HMAC' : 'required'} of the identified ${claimed}; nothing was changed`,
          },
        ],
      };
    }
  }
  return { ok: true, value };
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** An address in the form identities are stored in (lower-cased email, E.164 phone), or null. */
function normalized(kind: 'email' | 'phone', raw: string): string | null {
  if (kind === 'phone') return toE164(raw);
  const email = raw.trim().toLowerCase();
  return EMAIL.test(email) ? email : null;
}

function sameHex(given: string, expected: string): boolean {
  const a = Buffer.from(given.toLowerCase());
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
