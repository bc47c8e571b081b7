import { DomainError, ErrorKind } from '@/core/http/domain-error';

export class EmailTakenError extends DomainError {
  constructor() {
    super('USERS.EMAIL_TAKEN', 'email has already been taken', ErrorKind.Conflict, {
      email: ['has already been taken'],
    });
  }
}

export class UsernameTakenError extends DomainError {
  constructor() {
    super('USERS.USERNAME_TAKEN', 'username has already been taken', ErrorKind.Conflict, {
      username: ['has already been taken'],
    });
  }
}

export class UserNotFoundError extends DomainError {
  constructor(what = 'user') {
    super('USERS.NOT_FOUND', `${what} not found`, ErrorKind.NotFound, { [what]: ['not found'] });
  }
}

export class CannotFollowSelfError extends DomainError {
  constructor() {
    super('USERS.CANNOT_FOLLOW_SELF', 'you cannot follow yourself', ErrorKind.BadRequest, {
      profile: ['cannot follow yourself'],
    });
  }
}
