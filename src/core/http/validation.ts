import { applyDecorators, ValidationPipe, type ValidationError } from '@nestjs/common';
import { Type } from 'class-transformer';
import { IsDefined, IsObject, ValidateNested } from 'class-validator';
import { ValidationFailedError, type ErrorDetails } from './domain-error';

const ENVELOPE = 'stoa:envelope';

/**
 * Marks the property of a wrapped body (`{ "user": { … } }`, as RealWorld requires) so that
 * validation errors are reported by inner field name (`email`, not `user.email`).
 *
 * @example
 * class RegisterBody { @Envelope(() => RegisterFields) user: RegisterFields; }
 */
export function Envelope(type: () => new () => object): PropertyDecorator {
  return applyDecorators(
    (target: object, key: string | symbol) => Reflect.defineMetadata(ENVELOPE, true, target, key),
    IsDefined(),
    IsObject(),
    ValidateNested(),
    Type(type),
  );
}

function isEnvelope(error: ValidationError): boolean {
  return (
    typeof error.target === 'object' &&
    error.target !== null &&
    Reflect.getMetadata(ENVELOPE, error.target, error.property) === true
  );
}

/** Flattens nested class-validator errors into `{ "address.city": ["must be a string"] }`. */
export function toErrorDetails(errors: ValidationError[], parent = ''): ErrorDetails {
  const details: ErrorDetails = {};
  for (const error of errors) {
    const path =
      isEnvelope(error) && error.children?.length
        ? parent
        : parent
          ? `${parent}.${error.property}`
          : error.property;
    if (error.constraints) {
      details[path] = Object.values(error.constraints).map((m) =>
        // class-validator prefixes messages with the property name; the key already says it.
        m.startsWith(`${error.property} `) ? m.slice(error.property.length + 1) : m,
      );
    }
    Object.assign(details, toErrorDetails(error.children ?? [], path));
  }
  return details;
}

/**
 * The one validation pipe: unknown properties are rejected (not silently dropped) and failures
 * become a 422 with one entry per bad field.
 */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: true, value: false },
    exceptionFactory: (errors) => new ValidationFailedError(toErrorDetails(errors)),
  });
}
