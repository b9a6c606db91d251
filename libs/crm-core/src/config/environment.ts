import { readAttritionThresholds } from '../retention/attrition-thresholds';
import type { AttritionThresholds } from '../retention/attrition.rules';
import type { SurveySettings } from '../satisfaction/satisfaction.service';
import { DEFAULT_SURVEY_TEXTS } from '../satisfaction/survey.rules';
import { readRedisTarget, type RedisTarget } from '../redis/redis-target';
/**
 * Typed readers for the contract's environment variables. Each app reads its variables once at
 * start-up through these and fails with every problem listed, not the first one.
 */
export type Environment = Record<string, string | undefined>;

export class ConfigurationError extends Error {
  constructor(problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
}

export class EnvironmentReader {
  readonly problems: string[] = [];

  constructor(private readonly env: Environment) {}

  string(name: string, fallback: string): string {
    const value = this.env[name]?.trim();
    return value ? value : fallback;
  }

  optional(name: string): string | undefined {
    const value = this.env[name]?.trim();
    return value ? value : undefined;
  }

  required(name: string, why: string): string {
    const value = this.optional(name);
    if (!value) this.problems.push(`${name} is required: ${why}`);
    return value ?? '';
  }

  port(name: string, fallback: number): number {
    const raw = this.optional(name);
    if (raw === undefined) return fallback;
    const port = Number(raw);
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      this.problems.push(`${name} must be a port number from 0 to 65535, got "${raw}"`);
      return fallback;
    }
    return port;
  }

  positiveInt(name: string, fallback: number): number {
    const raw = this.optional(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < 1) {
      this.problems.push(`${name} must be a positive whole number, got "${raw}"`);
      return fallback;
    }
    return value;
  }

  /** A duration in milliseconds; `0` is allowed and means "no limit". */
  milliseconds(name: string, fallback: number): number {
    const raw = this.optional(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < 0) {
      this.problems.push(`${name} must be a whole number of milliseconds (0 for no limit), got "${raw}"`);
      return fallback;
    }
    return value;
  }

  boolean(name: string, fallback: boolean): boolean {
    const raw = this.optional(name)?.toLowerCase();
    if (raw === undefined) return fallback;
    if (['true', '1', 'yes'].includes(raw)) return true;
    if (['false', '0', 'no'].includes(raw)) return false;
    this.problems.push(`${name} must be true or false, got "${raw}"`);
    return fallback;
  }

  url(name: string, fallback: string | undefined, protocols: string[]): string | undefined {
    const value = this.optional(name) ?? fallback;
    if (value === undefined) return undefined;
    try {
      const parsed = new URL(value);
      if (!protocols.includes(parsed.protocol)) throw new Error();
    } catch {
      this.problems.push(`${name} must be a ${protocols.join(' or ')} URL, got "${redactUrl(value)}"`);
    }
    return value;
  }

  oneOf<T extends string>(name: string, fallback: T, allowed: readonly T[]): T {
    const value = this.string(name, fallback);
    if (!allowed.includes(value as T)) {
      this.problems.push(`${name} must be one of ${allowed.join(', ')}, got "${value}"`);
      return fallback;
    }
    return value as T;
  }

  /** Throws once with every problem found. */
  done(): void {
    if (this.problems.length) throw new ConfigurationError(this.problems);
  }
}

/** A URL as it may appear in logs and errors: no password. */
export function redactUrl(value: string): string {
  return value.replace(/\/\/([^:/@]+):[^@/]*@/, '//$1:***@');
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * Limits on every PostgreSQL connection, so an unreachable or stuck database fails a request or a
 * job within seconds (and the job is retried) instead of holding it, and its connection, for good.
 */
export interface DatabaseTimeouts {
  connectMs: number;
  statementMs: number;
  idleInTransactionMs: number;
}

/** The variables both processes read. */
export interface SharedConfig {
  databaseUrl: string;
  databaseTimeouts: DatabaseTimeouts;
  /** `REDIS_URL`'s server, or the cluster of `REDIS_CLUSTER_NODES`. */
  redis: RedisTarget;
  logLevel: LogLevel;
  /** When set, `GET /metrics` needs `Authorization: Bearer <metricsToken>`. Secret. */
  metricsToken?: string;
  /** The attrition rules' thresholds (`RETENTION_THRESHOLDS`, over the contract's defaults). */
  attritionThresholds: AttritionThresholds;
  /** `REACQUISITION_WAIT_DAYS`: a re-acquisition task falls due this long after the defection. */
  reacquisitionWaitDays: number;
  /** `CSAT_SURVEY`, `CSAT_SURVEY_TEXTS` and `CSAT_SURVEY_LANGUAGE`. */
  survey: SurveySettings;
}

export function readSharedConfig(reader: EnvironmentReader): SharedConfig {
  return {
    databaseUrl: reader.url('DATABASE_URL', 'postgres://postgres@127.0.0.1:5432/omnihub', ['postgres:', 'postgresql:'])!,
    databaseTimeouts: {
      connectMs: reader.milliseconds('DATABASE_CONNECT_TIMEOUT_MS', 5000),
      statementMs: reader.milliseconds('DATABASE_STATEMENT_TIMEOUT_MS', 30_000),
      idleInTransactionMs: reader.milliseconds('DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS', 60_000),
    },
    redis: readRedisTarget(reader),
    logLevel: reader.oneOf('LOG_LEVEL', 'info', LOG_LEVELS),
    metricsToken: reader.optional('METRICS_TOKEN'),
    attritionThresholds: readAttritionThresholds(reader.optional('RETENTION_THRESHOLDS'), reader.problems),
    reacquisitionWaitDays: reader.positiveInt('REACQUISITION_WAIT_DAYS', 30),
    survey: readSurveySettings(reader),
  };
}

/**
 * The survey's text per language: `CSAT_SURVEY_TEXTS` is JSON naming only the languages it adds or
 * rewords (`{"de": "Wie gut waren wir …"}`), over the contract's English; `CSAT_SURVEY_LANGUAGE`
 * picks the one the hub sends.
 */
function readSurveySettings(reader: EnvironmentReader): SurveySettings {
  const texts: Record<string, string> = { ...DEFAULT_SURVEY_TEXTS };
  const raw = reader.optional('CSAT_SURVEY_TEXTS');
  if (raw !== undefined) {
    let given: unknown;
    try {
      given = JSON.parse(raw);
    } catch {
      given = undefined;
    }
    if (typeof given !== 'object' || given === null || Array.isArray(given)) {
      reader.problems.push('CSAT_SURVEY_TEXTS must be a JSON object of language → survey text, e.g. {"de": "Wie gut waren wir …"}');
    } else {
      for (const [language, text] of Object.entries(given)) {
        if (!/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$/.test(language))
          reader.problems.push(`CSAT_SURVEY_TEXTS: "${language}" is not a language code`);
        else if (typeof text !== 'string' || !text.trim() || text.length > 1000)
          reader.problems.push(`CSAT_SURVEY_TEXTS.${language} must be a text of 1 to 1000 characters`);
        else texts[language] = text.trim();
      }
    }
  }
  const language = reader.string('CSAT_SURVEY_LANGUAGE', 'en');
  if (!Object.hasOwn(texts, language)) {
    reader.problems.push(
      `CSAT_SURVEY_LANGUAGE is "${language}", which CSAT_SURVEY_TEXTS has no text for (it has ${Object.keys(texts).join(', ')})`,
    );
  }
  return { enabled: reader.boolean('CSAT_SURVEY', true), texts, language };
}
