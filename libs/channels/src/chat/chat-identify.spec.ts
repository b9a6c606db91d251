import { parseIdentify, userHashOf } from './chat-identify';

describe('parseIdentify', () => {
  it('normalizes the addresses as identities are stored', () => {
    expect(parseIdentify({ name: ' Ada ', email: ' Ada@Example.COM ', phone: '+44 20 7946 0001' }, undefined)).toEqual({
      ok: true,
      value: { name: 'Ada', email: 'ada@example.com', phone: '+442079460001' },
    });
  });

  it('names the field that is wrong', () => {
    const errorOf = (payload: unknown) => {
      const parsed = parseIdentify(payload, undefined);
      return parsed.ok ? null : parsed.errors[0];
    };
    expect(errorOf({ email: 'nope' })).toEqual({ path: 'email', message: 'email is not a valid email address' });
    expect(errorOf({ phone: '12' })).toEqual({ path: 'phone', message: 'phone is not a valid phone number' });
    expect(errorOf({ name: '  ' })?.message).toBe('identify needs at least one of name, email or phone');
    expect(errorOf({ email: 'a@b.co', role: 'admin' })).toEqual({ path: 'role', message: 'role is not a known field' });
    expect(errorOf(null)?.message).toBe('must be a JSON object');
  });

  describe('with an identity secret', () => {
    const secret = 'site-secret';

    it('needs the HMAC of the email, as sent or as stored, or of the phone when there is no email', () => {
      expect(parseIdentify({ email: 'Ada@Example.com', userHash: userHashOf(secret, 'Ada@Example.com') }, secret).ok).toBe(true);
      expect(parseIdentify({ email: 'Ada@Example.com', userHash: userHashOf(secret, 'ada@example.com').toUpperCase() }, secret).ok).toBe(
        true,
      );
      expect(parseIdentify({ phone: '+442079460001', userHash: userHashOf(secret, '+442079460001') }, secret).ok).toBe(true);
      expect(parseIdentify({ name: 'Ada' }, secret).ok).toBe(true);
    });

    it('refuses a missing, forged or misdirected userHash', () => {
      const refused = (payload: Record<string, unknown>) => {
        const parsed = parseIdentify(payload, secret);
        return parsed.ok ? null : parsed.errors[0].path;
      };
      expect(refused({ email: 'ada@example.com' })).toBe('userHash');
      expect(refused({ email: 'ada@example.com', userHash: userHashOf('wrong-secret', 'ada@example.com') })).toBe('userHash');
      expect(refused({ email: 'ada@example.com', phone: '+442079460001', userHash: userHashOf(secret, '+442079460001') })).toBe('userHash');
      expect(refused({ email: 'ada@example.com', userHash: 'abc' })).toBe('userHash');
    });
  });
});
