import type { InputError } from '../channel-plugin';
import { unstorableTextProblem } from '../validation/storable-text';

/**
 * A Twilio webhook's form parameters as the urlencoded body parser hands them over: a repeated
 * key arrives as an array. Twilio sends many more parameters than we read (AccountSid, FromCity,
 * ApiVersion…); those are ignored, never refused, since Twilio adds new ones without notice.
 */
export type TwilioWebhookParams = Readonly<Record<string, unknown>>;

/** Reads Twilio's form parameters, collecting every problem under the parameter's own name. */
export class TwilioParamReader {
  readonly errors: InputError[] = [];

  constructor(private readonly params: TwilioWebhookParams) {}

  /** A single non-empty value, or undefined (with an error when `required`). */
  text(name: string, { required = false, maxLength = 2000 }: { required?: boolean; maxLength?: number } = {}): string | undefined {
    const value = this.params[name];
    if (value === undefined || value === '') {
      if (required) this.fail(name, `${name} is required`);
      return undefined;
    }
    if (typeof value !== 'string') return this.fail(name, `${name} must be sent once, as a single value`);
    if (value.length > maxLength) return this.fail(name, `${name} must be at most ${maxLength} characters`);
    const problem = unstorableTextProblem(value);
    if (problem) return this.fail(name, `${name} ${problem}`);
    return value;
  }

  /** A whole number within bounds, or `fallback` when absent. */
  integer(name: string, fallback: number, min: number, max: number): number {
    const raw = this.text(name, { maxLength: 10 });
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!/^\d+$/.test(raw) || value < min || value > max) {
      this.fail(name, `${name} must be a whole number from ${min} to ${max}, got "${raw}"`);
      return fallback;
    }
    return value;
  }

  /** An absolute http(s) URL, as Twilio's media links are. */
  url(name: string): string | undefined {
    const raw = this.text(name, { required: true });
    if (raw === undefined) return undefined;
    try {
      if (['http:', 'https:'].includes(new URL(raw).protocol)) return raw;
    } catch {
      // fall through to the same error as a non-http scheme
    }
    return this.fail(name, `${name} must be an http or https URL`);
  }

  fail(path: string, message: string): undefined {
    this.errors.push({ path, message });
    return undefined;
  }
}
