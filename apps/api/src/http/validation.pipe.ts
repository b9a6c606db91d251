import { BadRequestException, ValidationPipe, type ArgumentMetadata } from '@nestjs/common';
import { findUnstorableText, flattenValidationErrors, type InputError } from '@omnihub/channels';

/** What a client sent: the body, the query string and path parameters (not the guards' own values). */
const CLIENT_INPUT: ReadonlySet<ArgumentMetadata['type']> = new Set(['body', 'query', 'param']);

/**
 * DTO validation for every route: whitelist, unknown fields refused, the contract's error list.
 * Before any DTO, every string the client sent (whatever the route's type for it, so webhook
 * forms and call-log batches too) is checked for text the database cannot store.
 */
class ContractValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (CLIENT_INPUT.has(metadata.type)) {
      const errors = findUnstorableText(value, metadata.type === 'param' ? (metadata.data ?? '') : '');
      if (errors.length) throw invalid(errors);
    }
    return super.transform(value, metadata);
  }
}

export function contractValidationPipe(): ValidationPipe {
  return new ContractValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    // One message per field: the first rule it breaks.
    stopAtFirstError: true,
    transform: true,
    exceptionFactory: (validationErrors) => invalid(flattenValidationErrors(validationErrors)),
  });
}

/** Every problem in `errors`; the message names the first few (a batch can hold thousands). */
function invalid(errors: InputError[]): BadRequestException {
  const named = errors.slice(0, 5).map((e) => `${e.path}: ${e.message}`);
  if (errors.length > named.length) named.push(`and ${errors.length - named.length} more`);
  return new BadRequestException({ statusCode: 400, message: named.join('; ') || 'Invalid request', errors });
}
