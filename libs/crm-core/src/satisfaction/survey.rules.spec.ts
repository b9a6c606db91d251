import { decideSurvey, parseSurveyAnswer, satisfactionTaskOf, surveyTextOf, DEFAULT_SURVEY_TEXTS, type SurveyFacts } from './survey.rules';

const NOW = new Date('2026-06-30T12:00:00Z');
const DAY = 86_400_000;
const eligible: SurveyFacts = {
  enabled: true,
  status: 'resolved',
  channelSends: true,
  refusal: null,
  lastInboundAutomatic: false,
  hasInbound: true,
  lastSurveyAt: null,
};

describe('survey eligibility (pinned clock)', () => {
  it('a resolved conversation gets the survey', () => {
    expect(decideSurvey(eligible, NOW)).toEqual({ send: true });
  });
  it('not while the conversation is still open', () => {
    expect(decideSurvey({ ...eligible, status: 'open' }, NOW)).toEqual({
      send: false,
      rule: 'not_resolved',
      reason: 'The conversation is open, not resolved.',
    });
  });
  it('never to an opted-out number: the channel refuses the message', () => {
    const refusal = '+447700900201 has opted out of SMS (replied STOP); nothing was sent.';
    expect(decideSurvey({ ...eligible, refusal }, NOW)).toEqual({
      send: false,
      rule: 'recipient_refuses',
      reason: `The channel refuses the message: ${refusal}`,
    });
  });
  it('never in answer to an auto-reply', () => {
    expect(decideSurvey({ ...eligible, lastInboundAutomatic: true }, NOW)).toMatchObject({ send: false, rule: 'auto_reply' });
  });
  it('not twice within 7 days', () => {
    expect(decideSurvey({ ...eligible, lastSurveyAt: new Date(NOW.getTime() - 6.9 * DAY) }, NOW)).toEqual({
      send: false,
      rule: 'surveyed_recently',
      reason: 'A survey already went out on 2026-06-23: at most one in 7 days.',
    });
  });
  it('again once 7 days have passed', () => {
    expect(decideSurvey({ ...eligible, lastSurveyAt: new Date(NOW.getTime() - 7 * DAY) }, NOW)).toEqual({ send: true });
  });
  it('CSAT_SURVEY=false turns it off', () => {
    expect(decideSurvey({ ...eligible, enabled: false }, NOW)).toMatchObject({ send: false, rule: 'survey_off' });
  });
  it('not on a channel that sends nothing (a call log)', () => {
    expect(decideSurvey({ ...eligible, channelSends: false }, NOW)).toMatchObject({ send: false, rule: 'channel_does_not_send' });
  });
  it('not when the customer never wrote', () => {
    expect(decideSurvey({ ...eligible, hasInbound: false }, NOW)).toMatchObject({ send: false, rule: 'no_customer_message' });
  });
});

describe('parsing a survey answer', () => {
  it('"5" is a score', () => {
    expect(parseSurveyAnswer('5')).toEqual({ score: 5, comment: null });
  });
  it('"2 too slow" is a score with its comment', () => {
    expect(parseSurveyAnswer('2 too slow')).toEqual({ score: 2, comment: 'too slow' });
  });
  it('punctuation between the score and the comment is not the comment', () => {
    expect(parseSurveyAnswer(' 4 - quick, thanks!')).toEqual({ score: 4, comment: 'quick, thanks!' });
    expect(parseSurveyAnswer('3.')).toEqual({ score: 3, comment: null });
  });
  it('"five" is an ordinary message', () => {
    expect(parseSurveyAnswer('five')).toBeNull();
  });
  it('"25" is an ordinary message', () => {
    expect(parseSurveyAnswer('25')).toBeNull();
  });
  it('neither are "0", "6", "2.5" or a sentence that only contains a digit', () => {
    for (const text of ['0', '6 stars', '2.5', 'I give it 5']) expect(parseSurveyAnswer(text)).toBeNull();
  });
});

describe('the satisfaction task', () => {
  it('a 1 or 2 opens a high-severity task quoting the comment', () => {
    expect(satisfactionTaskOf({ score: 2, comment: 'too slow' }, 'sms')).toEqual({
      severity: 'high',
      reason: 'Rated 2 of 5 against what they expected (1 is far below), on sms: "too slow". Find out what fell short and put it right.',
    });
    expect(satisfactionTaskOf({ score: 1, comment: null }, 'email')?.reason).toContain('on email, with no comment.');
  });
  it('3 and up open none', () => {
    expect(satisfactionTaskOf({ score: 3, comment: 'fine' }, 'chat')).toBeNull();
  });
});

describe('the survey text per language', () => {
  it('the contract’s English by default, a configured language when set, English for an unknown one', () => {
    const texts = { ...DEFAULT_SURVEY_TEXTS, de: 'Wie gut waren wir, gemessen an Ihren Erwartungen?' };
    expect(surveyTextOf(texts, 'en')).toMatch(/^How did we do against what you expected\? Reply 1 \(far below\) to 5 \(far above\)/);
    expect(surveyTextOf(texts, 'de')).toBe(texts.de);
    expect(surveyTextOf(texts, 'fr')).toBe(DEFAULT_SURVEY_TEXTS.en);
  });
});
