import {
  Body,
  Catch,
  Controller,
  Header,
  HttpCode,
  Ip,
  Logger,
  Post,
  UseFilters,
  Headers,
  type ArgumentsHost,
  type ExceptionFilter,
} from '@nestjs/common';
import { ApiBadRequestResponse, ApiConsumes, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '@/core/auth/auth.decorators';
import { DomainError, ErrorKind, ValidationFailedError } from '@/core/http/domain-error';
import { RateLimitedError, StrictThrottle } from '@/core/http/throttling';
import { UsersService } from '@/modules/users';
import { InvalidCredentialsError, InvalidRefreshTokenError } from './auth.errors';
import { AuthService } from './auth.service';
import { OAuthTokenBody, OAuthTokenResponse } from './dto/auth.dto';

/** RFC 6749 §5.2 error response. */
interface OAuthError {
  error:
    | 'invalid_request'
    | 'invalid_grant'
    | 'unsupported_grant_type'
    | 'server_error'
    | 'temporarily_unavailable';
  error_description: string;
}

/**
 * The token endpoint speaks OAuth2's own error format instead of Stoa's body, because OAuth2
 * clients (Swagger UI's Authorize dialog among them) parse `error`/`error_description`.
 */
@Catch()
export class OAuth2ExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger(OAuth2ExceptionFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    let status = 400;
    let body: OAuthError;
    if (exception instanceof ValidationFailedError) {
      body = exception.details.grant_type
        ? {
            error: 'unsupported_grant_type',
            error_description: 'grant_type must be password or refresh_token',
          }
        : {
            error: 'invalid_request',
            error_description: Object.entries(exception.details)
              .map(([field, messages]) => `${field} ${messages.join(', ')}`)
              .join('; '),
          };
    } else if (exception instanceof RateLimitedError) {
      status = 429;
      body = { error: 'temporarily_unavailable', error_description: exception.message };
    } else if (exception instanceof DomainError && exception.kind === ErrorKind.Unauthenticated) {
      body = { error: 'invalid_grant', error_description: exception.message };
    } else if (exception instanceof DomainError) {
      body = { error: 'invalid_request', error_description: exception.message };
    } else {
      this.logger.error({ err: exception }, 'token endpoint failed');
      status = 500;
      body = { error: 'server_error', error_description: 'internal server error' };
    }
    res.status(status).setHeader('Cache-Control', 'no-store').json(body);
  }
}

@ApiTags('auth')
@Controller({ path: 'auth', version: '1' })
@UseFilters(OAuth2ExceptionFilter)
export class OAuth2Controller {
  constructor(
    private readonly auth: AuthService,
    private readonly users: UsersService,
  ) {}

  /**
   * OAuth2 token endpoint: the resource-owner password grant (`username` = email) and the
   * refresh-token grant, form-encoded. This is what Swagger UI's Authorize button calls.
   */
  @Public()
  @StrictThrottle()
  @Post('token')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @Header('Pragma', 'no-cache')
  @ApiConsumes('application/x-www-form-urlencoded')
  @ApiOkResponse({ description: 'Tokens issued', type: OAuthTokenResponse })
  @ApiBadRequestResponse({
    description: 'RFC 6749 error: invalid_request, invalid_grant, unsupported_grant_type',
  })
  async token(
    @Body() body: OAuthTokenBody,
    @Headers('user-agent') userAgent: string | undefined,
    @Ip() ip: string,
  ): Promise<OAuthTokenResponse> {
    let tokens;
    if (body.grant_type === 'password') {
      if (!body.username || !body.password) {
        throw new ValidationFailedError({ username: ['and password are required'] });
      }
      const user = await this.users.verifyCredentials(body.username, body.password);
      if (!user) throw new InvalidCredentialsError();
      tokens = await this.auth.login(user, { userAgent, ip });
    } else {
      if (!body.refresh_token) throw new InvalidRefreshTokenError();
      tokens = await this.auth.refresh(body.refresh_token);
    }
    return {
      access_token: tokens.accessToken,
      token_type: 'bearer',
      expires_in: tokens.expiresIn,
      refresh_token: tokens.refreshToken,
    };
  }
}
