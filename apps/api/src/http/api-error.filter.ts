import { ArgumentsHost, Catch, HttpException, HttpStatus, Logger, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { InputError } from '@omnihub/channels';
import { TooManyRequestsError } from '../limits/too-many-requests';
import { toHttpError } from './domain-errors';
import { drainBody } from './drain-body';

/** The contract's error body: `{statusCode, message, errors?}`. */
export interface ApiErrorBody {
  statusCode: number;
  message: string;
  errors?: InputError[];
}

/**
 * Every 503 means "the hub could not take this right now; nothing is lost by sending it again":
 * Redis or PostgreSQL is away for the seconds a restart or a failover takes.
 */
export const RETRY_AFTER_SECONDS = 5;

/** Fastify's own request errors (body parsing, limits) carry a 4xx status and an `FST_` code. */
interface FastifyRequestError {
  statusCode: number;
  code: string;
}

const FASTIFY_MESSAGES: Record<string, string> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'Malformed JSON in the request body',
  FST_ERR_CTP_BODY_TOO_LARGE: 'Request body is too large (JSON bodies are limited to 1 MB)',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'The request says it carries JSON but its body is empty',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'Unsupported Content-Type: send application/json',
};

/** Every error leaves as the contract's JSON; anything unexpected is a logged 500 with no details. */
@Catch()
export class ApiErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('ApiErrorFilter');

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const reply = http.getResponse<FastifyReply>();
    const requestError = fastifyRequestErrorOf(error);
    const body = requestError ? fastifyErrorBody(requestError) : this.toBody(toHttpError(error));
    // A 503 is deliberate, and its cause is logged where it was thrown: no stack for each refusal.
    if (body.statusCode >= 500 && body.statusCode !== HttpStatus.SERVICE_UNAVAILABLE) {
      this.logger.error(error instanceof Error ? error.stack : String(error));
    }
    if (reply.sent) return;
    // Every 503 is a dependency that is down for a moment: tell clients when to come back.
    if (body.statusCode === HttpStatus.SERVICE_UNAVAILABLE) void reply.header('Retry-After', String(RETRY_AFTER_SECONDS));
    if (error instanceof TooManyRequestsError) void reply.header('Retry-After', String(error.retryAfterSeconds));
    const send = () => void reply.status(body.statusCode).type('application/json; charset=utf-8').send(body);
    // Fastify refuses an oversized body before reading it; the client is still sending.
    if (requestError?.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return void drainBody(http.getRequest<FastifyRequest>().raw).then(send);
    send();
  }

  private toBody(error: unknown): ApiErrorBody {
    if (error instanceof HttpException) {
      const status = error.getStatus();
      const raw = error.getResponse();
      if (typeof raw === 'string') return { statusCode: status, message: raw };
      const { message, errors } = raw as { message?: unknown; errors?: InputError[] };
      const text = Array.isArray(message) ? message.join('; ') : typeof message === 'string' ? message : error.message;
      return { statusCode: status, message: text, ...(errors && { errors }) };
    }
    return { statusCode: HttpStatus.INTERNAL_SERVER_ERROR, message: 'Internal server error' };
  }
}

/** Nest hands Fastify's request errors over wrapped in an HttpException, the original its cause. */
function fastifyRequestErrorOf(error: unknown): FastifyRequestError | undefined {
  if (isFastifyRequestError(error)) return error;
  if (error instanceof HttpException && isFastifyRequestError(error.cause)) return error.cause;
  return undefined;
}

function fastifyErrorBody(error: FastifyRequestError): ApiErrorBody {
  return { statusCode: error.statusCode, message: FASTIFY_MESSAGES[error.code] ?? 'The request could not be read' };
}

function isFastifyRequestError(error: unknown): error is FastifyRequestError {
  const candidate = error as Partial<FastifyRequestError> | null;
  return (
    typeof candidate?.statusCode === 'number' &&
    candidate.statusCode >= 400 &&
    candidate.statusCode < 500 &&
    typeof candidate.code === 'string' &&
    candidate.code.startsWith('FST_')
  );
}
