import { isISO8601, ValidateBy, type ValidationOptions } from 'class-validator';

/**
 * An ISO 8601 date-time that names a real instant PostgreSQL's `timestamptz` can hold.
 * `isISO8601` alone also passes forms `Date` cannot read (`2024-W01-1`, `2024-001`, `23:59:60`)
 * and years PostgreSQL refuses (year 0): those would be accepted and then fail in the worker.
 */
export function isInstant(value: unknown): boolean {
  if (!isISO8601(value, { strict: true })) return false;
  const at = new Date(value as string);
  const year = at.getUTCFullYear();
  return !Number.isNaN(at.getTime()) && year >= 1 && year <= 9999;
}

export function IsInstant(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isInstant',
      validator: {
        validate: (value) => isInstant(value),
        defaultMessage: () => '$property must be an ISO 8601 date and time, e.g. 2026-11-20T09:30:00Z, between the years 0001 and 9999',
      },
    },
    options,
  );
}
