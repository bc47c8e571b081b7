import type { AuthUser } from '@/core/auth/permissions';

/** What Stoa keeps in a cookie session (express-session's typed `req.session`). */
declare module 'express-session' {
  interface SessionData {
    /** Set at `/account/login`; the identity of server-rendered pages. */
    auth?: AuthUser;
    flash?: string;
    /** Set on the first page view so the session (and the CSRF token bound to its id) persists. */
    startedAt?: string;
  }
}
