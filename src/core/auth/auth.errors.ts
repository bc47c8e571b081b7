import { DomainError, ErrorKind } from '@/core/http/domain-error';

export class UnauthenticatedError extends DomainError {
  constructor(message = 'authentication required', code = 'AUTH.UNAUTHENTICATED') {
    super(code, message, ErrorKind.Unauthenticated, { body: [message] });
  }
}

export class InvalidTokenError extends UnauthenticatedError {
  constructor() {
    super('invalid or expired token', 'AUTH.INVALID_TOKEN');
  }
}

export class SessionRevokedError extends UnauthenticatedError {
  constructor() {
    super('session has been revoked', 'AUTH.SESSION_REVOKED');
  }
}

/** Issued before the user's role changed: refresh to get a token with the current role. */
export class StaleTokenError extends UnauthenticatedError {
  constructor() {
    super('token predates a change to this account; refresh it', 'AUTH.TOKEN_STALE');
  }
}

export class MissingPermissionError extends DomainError {
  constructor(permissions: readonly string[]) {
    super('AUTH.FORBIDDEN', `missing permission: ${permissions.join(', ')}`, ErrorKind.Forbidden);
  }
}
