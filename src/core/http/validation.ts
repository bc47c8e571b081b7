import {
  applyDecorators,
  ValidationPipe,
  type ArgumentMetadata,
  type ValidationError,
} from '@nestjs/common';
import { Transform, Type } from 'class-transformer';
import { getMetadataStorage, IsDefined, IsObject, ValidateNested } from 'class-validator';
import type { ValidationMetadata } from 'class-validator/types/metadata/ValidationMetadata';
import { DomainError, ErrorKind, ValidationFailedError, type ErrorDetails } from './domain-error';

const ENVELOPE = 'stoa:envelope';

/** Trims surrounding whitespace from a string input before it is validated. */
export const Trim = () =>
  Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value));

/** `"true"` / `"false"` from a query string as booleans; booleans (GraphQL) pass through. */
export const QueryBoolean = () =>
  Transform(({ value }: { value: unknown }) =>
    value === 'true' ? true : value === 'false' ? false : value,
  );

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
  memoizeValidationMetadata();
  return new BoundedValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: true, value: false },
    exceptionFactory: (errors) => new ValidationFailedError(capDetails(toErrorDetails(errors))),
  });
}

/** Inputs no endpoint needs; past them, parsing and validating cost more than any answer is worth. */
export const INPUT_LIMITS = { depth: 16, nodes: 2_000 } as const;

export class InputTooComplexError extends DomainError {
  constructor(reason: string) {
    super('HTTP.INPUT_TOO_COMPLEX', `input is too complex: ${reason}`, ErrorKind.BadRequest);
  }
}

/**
 * Rejects, before class-transformer and class-validator walk it (recursively), any input that
 * is nested too deeply, has too many keys or elements, or contains NUL characters (PostgreSQL
 * refuses them in text). Iterative on purpose: a recursive check would overflow on the very
 * inputs it exists to stop.
 */
export function assertReasonableInput(value: unknown): void {
  const stack: { node: unknown; depth: number }[] = [{ node: value, depth: 0 }];
  let nodes = 0;
  while (stack.length) {
    const { node, depth } = stack.pop()!;
    if (typeof node === 'string') {
      if (node.includes('\u0000')) {
        throw new ValidationFailedError({ body: ['must not contain NUL characters'] });
      }
      continue;
    }
    if (node === null || typeof node !== 'object') continue;
    if (depth >= INPUT_LIMITS.depth)
      throw new InputTooComplexError(`nested deeper than ${INPUT_LIMITS.depth}`);
    for (const [key, child] of Object.entries(node)) {
      if (++nodes > INPUT_LIMITS.nodes)
        throw new InputTooComplexError(`more than ${INPUT_LIMITS.nodes} values`);
      if (key.includes('\u0000')) {
        throw new ValidationFailedError({ body: ['must not contain NUL characters'] });
      }
      stack.push({ node: child, depth: depth + 1 });
    }
  }
}

/** At most 20 fields reported: enough to fix a form, too few to amplify an attack. */
function capDetails(details: ErrorDetails): ErrorDetails {
  const entries = Object.entries(details);
  if (entries.length <= 20) return details;
  return {
    ...Object.fromEntries(entries.slice(0, 20)),
    body: [`and ${entries.length - 20} more problems`],
  };
}

class BoundedValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type !== 'custom') assertReasonableInput(value);
    return super.transform(value, metadata);
  }
}

type MetadataLookup = (
  target: object,
  schema: string,
  always: boolean,
  strictGroups: boolean,
  groups?: string[],
) => ValidationMetadata[];

const MEMOIZED = Symbol('stoa:memoizedValidationMetadata');

/**
 * class-validator looks up a class's rules on every `validate()` — for the body and again for
 * each nested object — and each lookup walks every class it knows (`instanceof` against all of
 * them, for inherited rules): hundreds of DTO classes here, the largest class-validator cost in
 * the profiles of the list and checkout (bench/README.md, shop). The rules only change when a
 * decorator registers one, so lookups are remembered until the next registration.
 */
function memoizeValidationMetadata(): void {
  const storage = getMetadataStorage() as unknown as {
    [MEMOIZED]?: true;
    getTargetValidationMetadatas: MetadataLookup;
    addValidationMetadata: (metadata: ValidationMetadata) => void;
  };
  if (storage[MEMOIZED]) return;
  storage[MEMOIZED] = true;
  const lookup = storage.getTargetValidationMetadatas.bind(storage);
  const register = storage.addValidationMetadata.bind(storage);
  let known = new Map<object, Map<string, ValidationMetadata[]>>();
  storage.addValidationMetadata = (metadata) => {
    known = new Map();
    register(metadata);
  };
  storage.getTargetValidationMetadatas = (target, schema, always, strictGroups, groups) => {
    const key = `${schema}\u0000${always}\u0000${strictGroups}\u0000${groups?.join('\u0000') ?? ''}`;
    let byOptions = known.get(target);
    if (!byOptions) known.set(target, (byOptions = new Map<string, ValidationMetadata[]>()));
    let rules = byOptions.get(key);
    if (!rules) {
      rules = lookup(target, schema, always, strictGroups, groups);
      byOptions.set(key, rules);
    }
    return rules;
  };
}
