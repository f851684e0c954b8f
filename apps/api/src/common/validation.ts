/** The global ValidationPipe and the small pieces that make every 400 name its field. */
import { BadRequestException, ParseUUIDPipe, Param, ValidationError, ValidationPipe } from '@nestjs/common';
import { Transform } from 'class-transformer';

function messages(errors: ValidationError[], parent = ''): string[] {
  return errors.flatMap((error) => {
    const path = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((m) => (parent ? `${parent}.${m}` : m));
    return [...own, ...messages(error.children ?? [], path)];
  });
}

/** Unknown fields are refused, and the message is one string listing each field and what is wrong with it. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    exceptionFactory: (errors) => new BadRequestException([...new Set(messages(errors))].join('; ')),
  });
}

/** A path parameter that must be a UUID: "runId must be a UUID" instead of a generic message. */
export function UuidParam(name: string): ParameterDecorator {
  return Param(
    name,
    new ParseUUIDPipe({ exceptionFactory: () => new BadRequestException(`${name} must be a UUID`) }),
  );
}

/**
 * Query parameters arrive as strings; only plain digit strings become numbers, so "1e3", "0x10", " 5" or ""
 * stay strings and fail @IsInt with the field's name instead of being silently coerced.
 */
export function ToInteger(): PropertyDecorator {
  return Transform(({ value }) => (typeof value === 'string' && /^\d{1,16}$/.test(value) ? Number(value) : value));
}
