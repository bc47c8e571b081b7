import { DomainError, ErrorKind } from '@/core/http/domain-error';

export class InvalidCredentialsError extends DomainError {
  constructor() {
    super('AUTH.INVALID_CREDENTIALS', 'email or password is invalid', ErrorKind.Unauthenticated, {
      'email or password': ['is invalid'],
    });
  }
}

export class InvalidRefreshTokenError extends DomainError {
  constructor(
    code = 'AUTH.INVALID_REFRESH_TOKEN',
    message = 'refresh token is invalid or expired',
  ) {
    super(code, message, ErrorKind.Unauthenticated, { refreshToken: [message] });
  }
}

/** An already-rotated refresh token came back: it was stolen or replayed. */
export class RefreshTokenReusedError extends InvalidRefreshTokenError {
  constructor() {
    super(
      'AUTH.REFRESH_TOKEN_REUSED',
      'refresh token was already used; the session has been revoked',
    );
  }
}

/** The previous token, seconds after its rotation: a client racing itself, not a thief. */
export class RefreshTokenRotatedError extends InvalidRefreshTokenError {
  constructor() {
    super('AUTH.REFRESH_TOKEN_ROTATED', 'refresh token was just rotated; use the newer one');
  }
}

export class WrongPasswordError extends DomainError {
  constructor() {
    super('AUTH.WRONG_PASSWORD', 'current password is wrong', ErrorKind.Forbidden, {
      currentPassword: ['is wrong'],
    });
  }
}

export class SessionNotFoundError extends DomainError {
  constructor() {
    super('AUTH.SESSION_NOT_FOUND', 'session not found', ErrorKind.NotFound, {
      session: ['not found'],
    });
  }
}
