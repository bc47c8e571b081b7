import type { CookieOptions, Request, Response } from 'express';

export const REFRESH_COOKIE = 'stoa_refresh';
/** Only the auth endpoints ever receive the refresh cookie. */
const COOKIE_PATH = '/api/v1/auth';

function options(secure: boolean, maxAgeMs?: number): CookieOptions {
  return { httpOnly: true, secure, sameSite: 'strict', path: COOKIE_PATH, maxAge: maxAgeMs };
}

export function setRefreshCookie(
  res: Response,
  token: string,
  secure: boolean,
  ttlSeconds: number,
): void {
  res.cookie(REFRESH_COOKIE, token, options(secure, ttlSeconds * 1000));
}

export function clearRefreshCookie(res: Response, secure: boolean): void {
  res.clearCookie(REFRESH_COOKIE, options(secure));
}

export function refreshCookieOf(req: Request): string | undefined {
  const value = (req.cookies as Record<string, unknown> | undefined)?.[REFRESH_COOKIE];
  return typeof value === 'string' ? value : undefined;
}
