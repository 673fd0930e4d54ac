import { ValidationError, ValidationPipe } from '@nestjs/common';
import { JsonNumber } from './json-body';
import { FieldError, Problem } from './problem';

/** class-validator's error tree as flat `{path, message}` pairs, paths written as a client would. */
export function flattenValidationErrors(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((error) => {
    const path = /^\d+$/.test(error.property)
      ? `${parent}[${error.property}]`
      : parent
        ? `${parent}.${error.property}`
        : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => ({
      path,
      message: /^property \S+ should not exist$/.test(message)
        ? 'is not a known field'
        : message.startsWith(`${error.property} `)
          ? message.slice(error.property.length + 1)
          : message,
    }));
    return [...own, ...flattenValidationErrors(error.children ?? [], path)];
  });
}

/**
 * Nest's ValidationPipe less two defensive passes over every value that can find nothing here: what
 * reaches a DTO comes from the JSON body parser (json-body.ts), the CSV manifest parser, Fastify's query
 * string or a path segment, and none of them yields a sparse array or a binary value (Buffer, typed
 * array). Each pass walked the whole body, and the second looked up class-validator's metadata again.
 */
class ParsedInputValidationPipe extends ValidationPipe {
  protected override closeArrayGaps(): void {}

  protected override findNestedBinaryValues(): ValidationError[] {
    return [];
  }
}

/** Every body, query and parameter DTO goes through this: unknown fields refused, errors with paths. */
export function createValidationPipe(): ValidationPipe {
  return new ParsedInputValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    forbidUnknownValues: true,
    stopAtFirstError: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => Problem.validation(flattenValidationErrors(errors)),
  });
}

/** For DTO fields whose domain type is a JS number (coordinates): the JSON literal to a number. */
export function jsonNumberToNumber({ value }: { value: unknown }): unknown {
  return value instanceof JsonNumber ? Number(value.text) : value;
}
