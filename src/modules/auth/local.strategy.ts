import { createParamDecorator, Injectable, type ExecutionContext } from '@nestjs/common';
import { AuthGuard, PassportStrategy } from '@nestjs/passport';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { Strategy } from 'passport-local';
import { ValidationFailedError } from '@/core/http/domain-error';
import { toErrorDetails } from '@/core/http/validation';
import { UsersService, type User } from '@/modules/users';
import { InvalidCredentialsError } from './auth.errors';
import { LoginBody } from './dto/auth.dto';

/**
 * Passport's local strategy reading the RealWorld body `{ user: { email, password } }`
 * (passport-local understands the bracket path).
 */
@Injectable()
export class LocalStrategy extends PassportStrategy(Strategy, 'local') {
  constructor(private readonly users: UsersService) {
    super({ usernameField: 'user[email]', passwordField: 'user[password]', session: false });
  }

  async validate(email: string, password: string): Promise<User> {
    const user = await this.users.verifyCredentials(email, password);
    if (!user) throw new InvalidCredentialsError();
    return user;
  }
}

/**
 * Guards run before pipes, so the body is validated here first: a malformed login is a 422
 * with field errors, not passport's bare "Missing credentials" 401.
 */
@Injectable()
export class LocalAuthGuard extends AuthGuard('local') {
  override async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const body: unknown = ctx.switchToHttp().getRequest<{ body: unknown }>().body;
    const errors = await validate(plainToInstance(LoginBody, body ?? {}), {
      whitelist: true,
      forbidNonWhitelisted: true,
    });
    if (errors.length) throw new ValidationFailedError(toErrorDetails(errors));
    return (await super.canActivate(ctx)) as boolean;
  }

  /** Keep the domain error from the strategy instead of passport's generic 401. */
  override handleRequest<TUser>(err: unknown, user: TUser | false): TUser {
    if (err instanceof Error) throw err;
    if (err) throw new InvalidCredentialsError();
    if (!user) throw new InvalidCredentialsError();
    return user;
  }
}

/** The account passport-local just verified (only on routes behind {@link LocalAuthGuard}). */
export const VerifiedAccount = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): User => ctx.switchToHttp().getRequest<{ user: User }>().user,
);
