import { ArgumentsHost, Catch, HttpException, HttpStatus, Logger, type ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import type { InputError } from '@omnihub/channels';
import { toHttpError } from './domain-errors';

/** The contract's error body: `{statusCode, message, errors?}`. */
export interface ApiErrorBody {
  statusCode: number;
  message: string;
  errors?: InputError[];
}

/** body-parser's own errors carry a status and a type; they are the client's fault. */
interface BodyParserError {
  status: number;
  type: string;
}

const BODY_PARSER_MESSAGES: Record<string, string> = {
  'entity.parse.failed': 'Malformed JSON in the request body',
  'entity.too.large': 'Request body is too large (JSON bodies are limited to 1 MB)',
  'encoding.unsupported': 'Unsupported content encoding',
  'charset.unsupported': 'Unsupported charset',
  'request.aborted': 'Request was aborted',
};

/** Every error leaves as the contract's JSON; anything unexpected is a logged 500 with no details. */
@Catch()
export class ApiErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('ApiErrorFilter');

  catch(error: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    const body = this.toBody(toHttpError(error));
    if (body.statusCode >= 500) this.logger.error(error instanceof Error ? error.stack : String(error));
    if (response.headersSent) return void response.end();
    response.status(body.statusCode).json(body);
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
    if (isBodyParserError(error)) {
      return { statusCode: error.status, message: BODY_PARSER_MESSAGES[error.type] ?? 'The request body could not be read' };
    }
    return { statusCode: HttpStatus.INTERNAL_SERVER_ERROR, message: 'Internal server error' };
  }
}

function isBodyParserError(error: unknown): error is BodyParserError {
  const candidate = error as Partial<BodyParserError> | null;
  return typeof candidate?.status === 'number' && candidate.status >= 400 && candidate.status < 500 && typeof candidate.type === 'string';
}
