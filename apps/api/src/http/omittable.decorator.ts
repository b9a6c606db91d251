import { ValidateIf } from 'class-validator';

/**
 * A field that may be left out but, when sent, must pass its rules: unlike `@IsOptional()`,
 * `null` is validated (and refused), so it never reaches a NOT NULL column as a 500.
 */
export const IsOmittable = (): PropertyDecorator => ValidateIf((_, value) => value !== undefined);
