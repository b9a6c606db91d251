import { Injectable, ServiceUnavailableException } from '@nestjs/common';
import { fingerprint, RateLimiter } from '../limits/rate-limiter.service';
import { TooManyRequestsError } from '../limits/too-many-requests';

/** The contract's lockout: 10 failed logins in 15 minutes for one email or one client address. */
export const LOGIN_MAX_FAILURES = 10;
export const LOGIN_WINDOW_MS = 15 * 60_000;

/**
 * Counts failed logins per email and per client address across api instances. Each attempt is
 * counted before the password is checked and taken back when it succeeds, so parallel guesses
 * cannot all slip in under the limit before any of them fails. Once over the limit, the answer
 * is 429 whatever the password: the lockout does not tell a guess that would have worked.
 */
@Injectable()
export class LoginAttempts {
  constructor(private readonly limiter: RateLimiter) {}

  /** Counts the attempt; throws the 429 when the email or the address is over its limit. */
  async begin(email: string, address: string): Promise<LoginAttempt> {
    const keys = [`login:email:${fingerprint(email.trim().toLowerCase())}`, `login:address:${address}`];
    // Without the count there is no lockout: refuse (503, retry shortly) rather than let guesses in.
    const counts = await Promise.all(keys.map((key) => this.limiter.hit(key, LOGIN_WINDOW_MS))).catch(() => {
      throw new ServiceUnavailableException('Login is unavailable for a moment (its attempt counter did not answer); try again shortly');
    });
    const over = counts.filter((c) => c.count > LOGIN_MAX_FAILURES);
    if (over.length) {
      throw new TooManyRequestsError(
        `Too many failed logins for this email or from this address: at most ${LOGIN_MAX_FAILURES} in 15 minutes; try again later`,
        Math.max(...over.map((c) => c.retryAfterSeconds)),
      );
    }
    return { succeeded: () => Promise.all(keys.map((key) => this.limiter.undo(key))).then(() => undefined) };
  }
}

export interface LoginAttempt {
  succeeded(): Promise<void>;
}
