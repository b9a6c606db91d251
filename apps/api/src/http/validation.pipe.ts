import { BadRequestException, ValidationPipe } from '@nestjs/common';
import { flattenValidationErrors } from '@omnihub/channels';

/** DTO validation for every route: whitelist, unknown fields refused, the contract's error list. */
export function contractValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    // One message per field: the first rule it breaks.
    stopAtFirstError: true,
    transform: true,
    exceptionFactory: (validationErrors) => {
      const errors = flattenValidationErrors(validationErrors);
      return new BadRequestException({
        statusCode: 400,
        message: errors.map((e) => `${e.path}: ${e.message}`).join('; ') || 'Invalid request',
        errors,
      });
    },
  });
}
