import { DomainError, ErrorKind } from '@/core/http/domain-error';

const HEADER = 'Idempotency-Key';

/** The route declares `@Idempotent({ required: true })` and the header is missing. */
export class IdempotencyKeyRequiredError extends DomainError {
  constructor() {
    super('IDEMPOTENCY.KEY_REQUIRED', `the ${HEADER} header is required`, ErrorKind.BadRequest, {
      [HEADER]: ['is required'],
    });
  }
}

export class InvalidIdempotencyKeyError extends DomainError {
  constructor() {
    super(
      'IDEMPOTENCY.INVALID_KEY',
      `${HEADER} must be 1 to 255 printable ASCII characters`,
      ErrorKind.BadRequest,
      { [HEADER]: ['must be 1 to 255 printable ASCII characters'] },
    );
  }
}

/**
 * A key was sent on a request nobody can be held to (anonymous, no custom principal). Accepting
 * it would put strangers in one key space: one could replay the other's response.
 */
export class NoIdempotencyPrincipalError extends DomainError {
  constructor() {
    super(
      'IDEMPOTENCY.NO_PRINCIPAL',
      `${HEADER} needs an authenticated caller on this route`,
      ErrorKind.BadRequest,
      { [HEADER]: ['needs an authenticated caller'] },
    );
  }
}

/** The key was first used for a different request (method, path, query or body). */
export class IdempotencyKeyReusedError extends DomainError {
  constructor() {
    super(
      'IDEMPOTENCY.KEY_REUSED',
      `this ${HEADER} was already used for a different request`,
      ErrorKind.Validation,
      { [HEADER]: ['was already used for a different request'] },
    );
  }
}

/** The first request with this key is still running; the client retries after `Retry-After`. */
export class IdempotentRequestInFlightError extends DomainError {
  constructor() {
    super(
      'IDEMPOTENCY.IN_FLIGHT',
      `a request with this ${HEADER} is still in progress; retry shortly`,
      ErrorKind.Conflict,
      { [HEADER]: ['is in use by a request still in progress'] },
    );
  }
}
