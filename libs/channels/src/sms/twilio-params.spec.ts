import { TwilioParamReader } from './twilio-params';

describe('TwilioParamReader', () => {
  it('refuses a parameter holding text no database field can store, under its own name', () => {
    const read = new TwilioParamReader({ Body: 'hi\u0000there', To: '+1\ud800', From: 'tab\tand\u001bescape' });
    expect(read.text('Body')).toBeUndefined();
    expect(read.text('To')).toBeUndefined();
    expect(read.text('From')).toBe('tab\tand\u001bescape');
    expect(read.errors).toEqual([
      { path: 'Body', message: 'Body must not contain the NUL character (U+0000)' },
      { path: 'To', message: 'To must not contain an unpaired UTF-16 surrogate' },
    ]);
  });
});
