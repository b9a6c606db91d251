import { HttpException, HttpStatus } from '@nestjs/common';

/**
 * The contract's 429: `{statusCode, message}` with `Retry-After` (set by the error filter from
 * `retryAfterSeconds`), so a client knows when to come back.
 */
export class TooManyRequestsError extends HttpException {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super({ statusCode: HttpStatus.TOO_MANY_REQUESTS, message }, HttpStatus.TOO_MANY_REQUESTS);
  }
}
