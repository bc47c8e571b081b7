/**
 * Broad kinds of failure. The one global filter maps a kind to an HTTP status and a GraphQL /
 * WebSocket error code, so modules never pick status codes themselves.
 */
export enum ErrorKind {
  BadRequest = 'BAD_REQUEST',
  Validation = 'VALIDATION',
  Unauthenticated = 'UNAUTHENTICATED',
  Forbidden = 'FORBIDDEN',
  NotFound = 'NOT_FOUND',
  Conflict = 'CONFLICT',
  PreconditionFailed = 'PRECONDITION_FAILED',
  RateLimited = 'RATE_LIMITED',
  Unavailable = 'UNAVAILABLE',
}

/** Field → messages, the RealWorld-style `errors` map. */
export type ErrorDetails = Record<string, string[]>;

/**
 * Base class of every business error. `code` is stable and namespaced by module
 * (`AUTH.INVALID_CREDENTIALS`), safe to show to clients and to branch on.
 *
 * @example
 * export class EmailTakenError extends DomainError {
 *   constructor() {
 *     super('USERS.EMAIL_TAKEN', 'email has already been taken', ErrorKind.Conflict, {
 *       email: ['has already been taken'],
 *     });
 *   }
 * }
 */
export abstract class DomainError extends Error {
  protected constructor(
    readonly code: string,
    message: string,
    readonly kind: ErrorKind,
    readonly details: ErrorDetails = { body: [message] },
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Generic errors for platform code; modules define their own subclasses. */
export class NotFoundError extends DomainError {
  constructor(what: string, code = 'COMMON.NOT_FOUND') {
    super(code, `${what} not found`, ErrorKind.NotFound, { [what]: ['not found'] });
  }
}

export class ForbiddenError extends DomainError {
  constructor(message = 'you are not allowed to do this', code = 'AUTH.FORBIDDEN') {
    super(code, message, ErrorKind.Forbidden);
  }
}

export class ValidationFailedError extends DomainError {
  constructor(details: ErrorDetails, code = 'COMMON.VALIDATION_FAILED') {
    super(code, 'validation failed', ErrorKind.Validation, details);
  }
}
