import { replySubjectOf } from './email-headers';
import { latestReplyOf } from './email-quotes';

describe('latestReplyOf', () => {
  it('drops the quoted history after an attribution line', () => {
    expect(latestReplyOf('Yes please.\n\nOn Mon, 30 Nov 2026 at 10:00, Support <help@hub.test> wrote:\n> Shall we?')).toBe('Yes please.');
  });

  it('drops an attribution wrapped over two lines', () => {
    expect(latestReplyOf('Fine.\n\nOn Mon, 30 Nov 2026 at 10:00, Support\n<help@hub.test> wrote:\n> Shall we?')).toBe('Fine.');
  });

  it('drops Outlook-style original messages and > quoted lines', () => {
    expect(latestReplyOf('Top\n> quoted\nMore\n-----Original Message-----\nFrom: x')).toBe('Top\nMore');
    expect(latestReplyOf('Top\n\nFrom: Support\nSent: Monday\nSubject: hi')).toBe('Top');
  });

  it('keeps a message that is only a quote whole', () => {
    expect(latestReplyOf('> all quoted')).toBe('> all quoted');
  });
});

describe('replySubjectOf', () => {
  it('puts one Re: in front of the subject', () => {
    expect(replySubjectOf('Order 42')).toBe('Re: Order 42');
    expect(replySubjectOf('RE: Re: Order 42')).toBe('Re: Order 42');
    expect(replySubjectOf('AW: Bestellung')).toBe('Re: Bestellung');
    expect(replySubjectOf(null)).toBe('Re: your message');
  });
});
