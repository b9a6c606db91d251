import { classifyIntent, INTENT_TEXT_CHARS } from './intent.rules';

describe('classifyIntent', () => {
  it('a complaint by its words', () => {
    expect(classifyIntent('My parcel never arrived')).toBe('complaint');
  });
  it('a complaint by its sentiment, with no complaint word', () => {
    expect(classifyIntent('I hate this useless service')).toBe('complaint');
  });
  it('a negative question is a complaint, not an enquiry', () => {
    expect(classifyIntent('Why is everything so bad and horrible?')).toBe('complaint');
  });
  it('mildly negative words do not make a complaint', () => {
    expect(classifyIntent('Sorry, I missed your call')).toBe('other');
  });
  it('an enquiry', () => {
    expect(classifyIntent('What time do you open?')).toBe('enquiry');
  });
  it('a purchase', () => {
    expect(classifyIntent('I would like to upgrade my plan')).toBe('purchase');
  });
  it('anything else', () => {
    expect(classifyIntent('Thanks, all good')).toBe('other');
  });
  it('judges a long message by its opening', () => {
    const filler = 'Thanks for the quick delivery last time. '.repeat(Math.ceil(INTENT_TEXT_CHARS / 40));
    expect(classifyIntent(`${filler} My parcel never arrived`)).toBe('other');
    expect(classifyIntent(`My parcel never arrived. ${filler}`)).toBe('complaint');
  });
  it('an unknown language falls back to the English rules', () => {
    expect(classifyIntent('What is the price?', 'xx')).toBe('enquiry');
  });
});
