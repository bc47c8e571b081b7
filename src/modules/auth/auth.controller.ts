import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Inject,
  Ip,
  Param,
  ParseUUIDPipe,
  Post,
  Put,
  Req,
  Res,
  UseGuards,
  Headers,
  Header,
} from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiTags,
  ApiUnauthorizedResponse,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { authConfig, type AuthConfig } from '@/config';
import { CurrentUser, Public, RequirePermissions } from '@/core/auth/auth.decorators';
import { extractAccessToken } from '@/core/auth/access-token.service';
import { Permission, type AuthUser } from '@/core/auth/permissions';
import { ErrorBody } from '@/core/http/error-body';
import { StrictThrottle } from '@/core/http/throttling';
import { toUserDto, UserResponse, UsersService, type User } from '@/modules/users';
import { InvalidRefreshTokenError } from './auth.errors';
import { AuthService, type IssuedTokens } from './auth.service';
import {
  ChangePasswordBody,
  LoginBody,
  RefreshBody,
  RegisterBody,
  UpdateUserBody,
  SessionListResponse,
  TokenPairResponse,
} from './dto/auth.dto';
import { LocalAuthGuard, VerifiedAccount } from './local.strategy';
import { clearRefreshCookie, refreshCookieOf, setRefreshCookie } from './refresh-cookie';
import { SessionsService } from './sessions.service';

/**
 * RealWorld account endpoints (`/users`, `/users/login`, `/user`) plus session management under
 * `/auth`. Every login also sets the refresh token as an httpOnly cookie.
 */
@ApiTags('auth')
@Controller({ version: '1' })
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly sessions: SessionsService,
    private readonly users: UsersService,
    @Inject(authConfig.KEY) private readonly config: AuthConfig,
  ) {}

  private withCookie(res: Response, tokens: IssuedTokens): UserResponse {
    setRefreshCookie(
      res,
      tokens.refreshToken,
      this.config.cookieSecure,
      this.config.refreshTtlSeconds,
    );
    return { user: toUserDto(tokens.user, tokens.accessToken) };
  }

  /** Registers an account (RealWorld). Sends a welcome email in the background. */
  @Public()
  @StrictThrottle()
  @Post('users')
  @Header('Cache-Control', 'no-store')
  @ApiCreatedResponse({ description: 'Account created and signed in', type: UserResponse })
  @ApiConflictResponse({ type: ErrorBody, description: 'Email or username taken' })
  @ApiUnprocessableEntityResponse({ type: ErrorBody })
  async register(
    @Body() body: RegisterBody,
    @Headers('user-agent') userAgent: string | undefined,
    @Ip() ip: string,
    @Res({ passthrough: true }) res: Response,
  ): Promise<UserResponse> {
    return this.withCookie(res, await this.auth.register(body.user, { userAgent, ip }));
  }

  /** Logs in with email and password (RealWorld, via passport-local). */
  @Public()
  @StrictThrottle()
  @UseGuards(LocalAuthGuard)
  @Post('users/login')
  @Header('Cache-Control', 'no-store')
  @HttpCode(200)
  @ApiOkResponse({ description: 'Signed in', type: UserResponse })
  @ApiUnauthorizedResponse({ type: ErrorBody })
  @ApiUnprocessableEntityResponse({ type: ErrorBody })
  async login(
    @Body() _body: LoginBody,
    @VerifiedAccount() account: User,
    @Headers('user-agent') userAgent: string | undefined,
    @Ip() ip: string,
    @Res({ passthrough: true }) res: Response,
  ): Promise<UserResponse> {
    return this.withCookie(res, await this.auth.login(account, { userAgent, ip }));
  }

  /** The current user with the token used for this request (RealWorld). */
  @RequirePermissions(Permission.AccountSelf)
  @Get('user')
  @ApiOkResponse({ type: UserResponse })
  async getCurrentUser(@CurrentUser() me: AuthUser, @Req() req: Request): Promise<UserResponse> {
    const token = extractAccessToken(req.headers.authorization) ?? '';
    return { user: toUserDto(await this.users.getById(me.id), token) };
  }

  /** Updates the current user (RealWorld). A new password ends every other session. */
  @RequirePermissions(Permission.AccountSelf)
  @Put('user')
  @ApiOkResponse({ type: UserResponse })
  @ApiConflictResponse({ type: ErrorBody })
  @ApiUnprocessableEntityResponse({ type: ErrorBody })
  async updateCurrentUser(
    @CurrentUser() me: AuthUser,
    @Body() body: UpdateUserBody,
    @Req() req: Request,
  ): Promise<UserResponse> {
    const { password, ...profile } = body.user;
    const user = await this.users.updateProfile(me.id, profile);
    if (password !== undefined) await this.auth.changePassword(me.id, me.sessionId, password);
    const token = extractAccessToken(req.headers.authorization) ?? '';
    return { user: toUserDto(user, token) };
  }

  /** Rotates the refresh token (body or `stoa_refresh` cookie) and issues a new access token. */
  @Public()
  @StrictThrottle()
  @Post('auth/refresh')
  @Header('Cache-Control', 'no-store')
  @HttpCode(200)
  @ApiOkResponse({ type: TokenPairResponse })
  @ApiUnauthorizedResponse({ type: ErrorBody, description: 'Invalid, expired or reused token' })
  async refresh(
    @Body() body: RefreshBody,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<TokenPairResponse> {
    const presented = body.refreshToken ?? refreshCookieOf(req);
    if (!presented) throw new InvalidRefreshTokenError();
    const tokens = await this.auth.refresh(presented);
    setRefreshCookie(
      res,
      tokens.refreshToken,
      this.config.cookieSecure,
      this.config.refreshTtlSeconds,
    );
    return {
      accessToken: tokens.accessToken,
      refreshToken: tokens.refreshToken,
      tokenType: 'Bearer',
      expiresIn: tokens.expiresIn,
    };
  }

  /** Ends the current session. */
  @RequirePermissions(Permission.AccountSelf)
  @Post('auth/logout')
  @HttpCode(204)
  @ApiNoContentResponse()
  async logout(
    @CurrentUser() me: AuthUser,
    @Res({ passthrough: true }) res: Response,
  ): Promise<void> {
    await this.sessions.revoke(me.id, me.sessionId, 'logout');
    clearRefreshCookie(res, this.config.cookieSecure);
  }

  /** Ends every session of the current user, on every device. */
  @RequirePermissions(Permission.AccountSelf)
  @Post('auth/logout-all')
  @HttpCode(204)
  @ApiNoContentResponse()
  async logoutEverywhere(
    @CurrentUser() me: AuthUser,
    @Res({ passthrough: true }) res: Response,
  ): Promise<void> {
    await this.sessions.revokeAll(me.id, 'logout-all');
    clearRefreshCookie(res, this.config.cookieSecure);
  }

  /** Lists the current user's active sessions. */
  @RequirePermissions(Permission.AccountSelf)
  @Get('auth/sessions')
  @ApiOkResponse({ type: SessionListResponse })
  async listSessions(@CurrentUser() me: AuthUser): Promise<SessionListResponse> {
    const sessions = await this.sessions.list(me.id);
    return {
      sessions: sessions.map((s) => ({
        id: s.id,
        userAgent: s.userAgent,
        ip: s.ip,
        createdAt: s.createdAt.toISOString(),
        lastUsedAt: s.lastUsedAt.toISOString(),
        expiresAt: s.expiresAt.toISOString(),
        current: s.id === me.sessionId,
      })),
    };
  }

  /** Revokes one of the current user's sessions. */
  @RequirePermissions(Permission.AccountSelf)
  @Delete('auth/sessions/:id')
  @HttpCode(204)
  @ApiNoContentResponse()
  async revokeSession(
    @CurrentUser() me: AuthUser,
    @Param('id', new ParseUUIDPipe({ errorHttpStatusCode: 404 })) id: string,
  ): Promise<void> {
    await this.sessions.revoke(me.id, id, 'revoked');
  }

  /** Changes the password after checking the current one; other sessions end. */
  @RequirePermissions(Permission.AccountSelf)
  @Post('auth/password')
  @HttpCode(204)
  @ApiNoContentResponse()
  async changePassword(
    @CurrentUser() me: AuthUser,
    @Body() body: ChangePasswordBody,
  ): Promise<void> {
    await this.auth.changePassword(me.id, me.sessionId, body.newPassword, body.currentPassword);
  }
}
