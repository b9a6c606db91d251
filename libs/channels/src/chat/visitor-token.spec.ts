import { VisitorTokens } from './visitor-token';

describe('VisitorTokens', () => {
  const tokens = new VisitorTokens('a-secret-of-some-length');

  it('issues a token that names its visitor', () => {
    const { visitorId, visitorToken } = tokens.issue();
    expect(tokens.visitorOf(visitorToken)).toBe(visitorId);
    expect(tokens.issue().visitorId).not.toBe(visitorId);
  });

  it('refuses a token signed with another secret, altered, or not a token at all', () => {
    const { visitorId, visitorToken } = tokens.issue();
    const [, signature] = visitorToken.split('.');
    const otherVisitor = new VisitorTokens('a-secret-of-some-length').issue().visitorId;
    for (const bad of [
      new VisitorTokens('another-secret').issue().visitorToken,
      `${otherVisitor}.${signature}`,
      `${visitorId}.${signature.slice(1)}`,
      `${visitorToken}.extra`,
      visitorId,
      '',
      undefined,
      42,
      { visitorId },
    ]) {
      expect(tokens.visitorOf(bad)).toBeNull();
    }
  });
});
