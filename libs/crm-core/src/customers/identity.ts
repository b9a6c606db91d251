import { toE164, type Identity, type IdentityKind } from '@omnihub/channels';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** The stored form of an address, or null when it is not one. */
export function normalizeIdentity(channel: IdentityKind, raw: string): Identity | null {
  switch (channel) {
    case 'phone': {
      const phone = toE164(raw);
      return phone ? { channel, address: phone } : null;
    }
    case 'email': {
      const email = raw.trim().toLowerCase();
      return EMAIL.test(email) ? { channel, address: email } : null;
    }
    case 'chat':
      return raw.trim() ? { channel, address: raw.trim() } : null;
  }
}
