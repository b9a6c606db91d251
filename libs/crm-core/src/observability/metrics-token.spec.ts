import { metricsTokenAccepted } from './metrics-token';

describe('metricsTokenAccepted', () => {
  it('leaves the endpoint open when no token is configured', () => {
    expect(metricsTokenAccepted(undefined, undefined)).toBe(true);
  });

  it('wants exactly the configured bearer token', () => {
    expect(metricsTokenAccepted('s3cret', 'Bearer s3cret')).toBe(true);
    expect(metricsTokenAccepted('s3cret', 'bearer s3cret')).toBe(true);
    for (const header of [undefined, '', 's3cret', 'Bearer', 'Bearer s3cre', 'Bearer s3cret2', 'Basic s3cret', 'Bearer s3cret extra']) {
      expect(metricsTokenAccepted('s3cret', header)).toBe(false);
    }
  });
});
