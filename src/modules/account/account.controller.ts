import {
  Body,
  Controller,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Post,
  Query,
  Render,
  Req,
  Res,
  UseFilters,
  UseGuards,
  VERSION_NEUTRAL,
} from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { destroySession, regenerateSession } from '@/core/security/cookie-session';
import type { Request, Response } from 'express';
import {
  CurrentUser,
  Public,
  RequirePermissions,
  UsesCookieSession,
} from '@/core/auth/auth.decorators';
import { Permission, type AuthUser } from '@/core/auth/permissions';
import { StrictThrottle } from '@/core/http/throttling';
import { CsrfGuard, CsrfService } from '@/core/security/csrf';
import { AuthService, SessionsService } from '@/modules/auth';
import { UsersService } from '@/modules/users';
import { AccountLoginForm, CsrfOnlyForm } from './account.dto';
import { AccountPageFilter } from './account-page.filter';
import { ActiveSessionGuard } from './active-session.guard';

const SAFE_NEXT = /^\/(?!\/)/;

/**
 * Server-rendered account pages (Handlebars templates in `views/account`): sign in with a form,
 * see and revoke your sessions. Identity comes from a server-side cookie session; every form
 * post carries a CSRF token.
 */
@ApiExcludeController()
@UseFilters(AccountPageFilter)
@Controller({ path: 'account', version: VERSION_NEUTRAL })
export class AccountController {
  constructor(
    private readonly users: UsersService,
    private readonly auth: AuthService,
    private readonly sessions: SessionsService,
    private readonly csrf: CsrfService,
  ) {}

  @Public()
  @Get('login')
  @Render('account/login')
  loginPage(
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
    @Query('next') next?: string,
  ) {
    // Store something so the session is saved and its id (which the CSRF token is bound to)
    // stays stable until login.
    req.session.startedAt ??= new Date().toISOString();
    return {
      title: 'Sign in',
      csrfToken: this.csrf.token(req, res),
      next: next && SAFE_NEXT.test(next) ? next : '/account/sessions',
    };
  }

  @Public()
  @StrictThrottle()
  @UseGuards(CsrfGuard)
  @Post('login')
  async login(
    @Body() form: AccountLoginForm,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const user = await this.users.verifyCredentials(form.email, form.password);
    if (!user) {
      res.status(401).render('account/login', {
        title: 'Sign in',
        error: 'Email or password is invalid.',
        email: form.email,
        csrfToken: this.csrf.token(req, res),
        next: form.next ?? '/account/sessions',
      });
      return;
    }
    const { sessionId } = await this.auth.login(user, {
      userAgent: req.get('user-agent'),
      ip: req.ip,
    });
    // A new session id on privilege change defeats session fixation.
    await regenerateSession(req);
    req.session.auth = { id: user.id, role: user.role, sessionId };
    res.redirect(303, form.next && SAFE_NEXT.test(form.next) ? form.next : '/account/sessions');
  }

  @UsesCookieSession()
  @RequirePermissions(Permission.AccountSelf)
  @UseGuards(ActiveSessionGuard)
  @Get('sessions')
  @Render('account/sessions')
  async sessionsPage(
    @CurrentUser() me: AuthUser,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    const [user, sessions] = await Promise.all([
      this.users.getById(me.id),
      this.sessions.list(me.id),
    ]);
    const flash = req.session.flash;
    req.session.flash = undefined;
    return {
      title: 'Your sessions',
      user: { username: user.username, email: user.email, role: user.role },
      flash,
      csrfToken: this.csrf.token(req, res),
      sessions: sessions.map((s) => ({
        id: s.id,
        userAgent: s.userAgent ?? 'unknown client',
        ip: s.ip ?? '—',
        createdAt: s.createdAt.toISOString(),
        lastUsedAt: s.lastUsedAt.toISOString(),
        current: s.id === me.sessionId,
      })),
    };
  }

  @UsesCookieSession()
  @RequirePermissions(Permission.AccountSelf)
  @UseGuards(ActiveSessionGuard, CsrfGuard)
  @Post('sessions/:id/revoke')
  @HttpCode(303)
  async revoke(
    @CurrentUser() me: AuthUser,
    @Param('id', new ParseUUIDPipe({ errorHttpStatusCode: 404 })) id: string,
    @Body() _form: CsrfOnlyForm,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    await this.sessions.revoke(me.id, id, 'revoked');
    if (id === me.sessionId) {
      await destroySession(req);
      res.redirect(303, '/account/login');
      return;
    }
    req.session.flash = 'Session revoked.';
    res.redirect(303, '/account/sessions');
  }

  @UsesCookieSession()
  @RequirePermissions(Permission.AccountSelf)
  @UseGuards(ActiveSessionGuard, CsrfGuard)
  @Post('logout')
  async logout(
    @CurrentUser() me: AuthUser,
    @Body() _form: CsrfOnlyForm,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    await this.sessions.revoke(me.id, me.sessionId, 'logout').catch(() => undefined);
    await destroySession(req);
    res.redirect(303, '/account/login');
  }
}
