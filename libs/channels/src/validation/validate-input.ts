import { plainToInstance, type ClassConstructor } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import type { InputError, ParseResult } from '../channel-plugin';
import { findUnstorableText } from './storable-text';

/** class-validator's nested errors as the contract's flat `{path, message}` list. */
export function flattenValidationErrors(errors: ValidationError[], prefix = ''): InputError[] {
  const flat: InputError[] = [];
  for (const error of errors) {
    const path = prefix ? `${prefix}.${error.property}` : error.property;
    for (const message of Object.values(error.constraints ?? {})) {
      flat.push({ path, message: message.replace(/^property (\S+) should not exist$/, '$1 is not a known field') });
    }
    if (error.children?.length) flat.push(...flattenValidationErrors(error.children, path));
  }
  return flat;
}

/**
 * Validates a plain object against a DTO class: whitelist, unknown fields refused, and no text
 * the database cannot store (storable-text.ts) in any field.
 */
export function validateInput<T extends object>(dto: ClassConstructor<T>, plain: unknown, prefix = ''): ParseResult<T> {
  if (typeof plain !== 'object' || plain === null || Array.isArray(plain)) {
    return { ok: false, errors: [{ path: prefix || '(body)', message: 'must be a JSON object' }] };
  }
  const unstorable = findUnstorableText(plain, prefix);
  if (unstorable.length) return { ok: false, errors: unstorable };
  const instance = plainToInstance(dto, plain);
  const errors = validateSync(instance, { whitelist: true, forbidNonWhitelisted: true, stopAtFirstError: true });
  if (errors.length) return { ok: false, errors: flattenValidationErrors(errors, prefix) };
  return { ok: true, value: instance };
}
