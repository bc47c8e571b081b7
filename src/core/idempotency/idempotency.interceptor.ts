import {
  Injectable,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Response } from 'express';
import { catchError, concatMap, from, map, of, throwError, type Observable } from 'rxjs';
import type { AuthedRequest } from '@/core/auth/request-context';
import { normalizeError, toErrorBody } from '@/core/http/all-exceptions.filter';
import {
  IdempotencyKeyRequiredError,
  IdempotentRequestInFlightError,
  NoIdempotencyPrincipalError,
} from './idempotency.errors';
import type { StoredResponse } from './idempotency.repository';
import { IdempotencyService, type IdempotencyClaim } from './idempotency.service';
import {
  IDEMPOTENCY_KEY_HEADER,
  parseIdempotencyKey,
  requestFingerprint,
} from './idempotency-request';

export const IDEMPOTENT_OPTIONS = 'stoa:idempotent';

export interface IdempotentOptions {
  /** Refuse requests without the header (400 `IDEMPOTENCY.KEY_REQUIRED`). Default `false`. */
  required?: boolean;
  /**
   * Whose key space the key lives in (at most 200 characters, e.g. `tenant:<id>`). Default:
   * `user:<id>` of the authenticated caller. A key on a request without a principal is refused
   * (400 `IDEMPOTENCY.NO_PRINCIPAL`).
   */
  principal?: (req: AuthedRequest) => string | undefined;
}

/** Response headers stored and replayed with the body (lower-case, as Node reports them). */
const REPLAYED_HEADERS = ['content-type', 'etag', 'location'] as const;
export const REPLAYED_HEADER = 'Idempotent-Replayed';

/**
 * Set by Nest's router on a request whose pipes rejected it (the handler never ran). Read through
 * the registered symbol, as @nestjs/platform-express does, because `@nestjs/core` exposes its
 * helper only from an internal entry point.
 */
const REJECTED_BY_PIPES = Symbol.for('nestjs:rejected-by-pipes');
/** Where the interceptor leaves the validated key for `@IdempotencyKey()`. */
const VALIDATED_KEY = Symbol('stoa:idempotencyKey');

type KeyedRequest = AuthedRequest & { [VALIDATED_KEY]?: string | null };

/** The validated key of this request (`undefined` without one); see `@IdempotencyKey()`. */
export function idempotencyKeyOf(req: AuthedRequest): string | undefined {
  const key = (req as KeyedRequest)[VALIDATED_KEY];
  if (key === undefined) {
    throw new Error('@IdempotencyKey() needs @Idempotent() on the same handler');
  }
  return key ?? undefined;
}

const defaultPrincipal = (req: AuthedRequest) => (req.user ? `user:${req.user.id}` : undefined);

/**
 * 2xx–4xx are final and replayed, like Stripe; 408 and 429 say "try again later", so they are not,
 * nor is a 5xx (a bug or an outage: the retry deserves a fresh run).
 */
const isFinal = (status: number) => status < 500 && status !== 408 && status !== 429;

/**
 * The HTTP half of `@Idempotent()`: validates the key, asks {@link IdempotencyService} whether
 * to run or replay, and stores what the handler answered. Applied by the decorator, not globally.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly idempotency: IdempotencyService,
  ) {}

  async intercept(ctx: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    if (ctx.getType() !== 'http') {
      throw new Error(`@Idempotent() supports HTTP routes only (${ctx.getHandler().name})`);
    }
    const options =
      this.reflector.get<IdempotentOptions | undefined>(IDEMPOTENT_OPTIONS, ctx.getHandler()) ?? {};
    const req = ctx.switchToHttp().getRequest<KeyedRequest>();
    const res = ctx.switchToHttp().getResponse<Response>();

    const key = parseIdempotencyKey(req.headers[IDEMPOTENCY_KEY_HEADER]);
    if (key === undefined) {
      if (options.required) throw new IdempotencyKeyRequiredError();
      req[VALIDATED_KEY] = null;
      return next.handle();
    }
    const principal = (options.principal ?? defaultPrincipal)(req);
    if (!principal) throw new NoIdempotencyPrincipalError();

    const scope = { principal, route: routeOf(ctx, req), key };
    const fingerprint = requestFingerprint(req.method, req.originalUrl, req.body);
    let outcome;
    try {
      outcome = await this.idempotency.begin(scope, fingerprint);
    } catch (error) {
      if (error instanceof IdempotentRequestInFlightError) res.setHeader('Retry-After', '1');
      throw error;
    }
    if (outcome.kind === 'replay') return of(replay(res, outcome.response));

    const { claim } = outcome;
    req[VALIDATED_KEY] = key;
    return next.handle().pipe(
      concatMap((value: unknown) => from(this.succeeded(claim, res, value)).pipe(map(() => value))),
      catchError((error: unknown) =>
        from(this.failed(claim, req, error)).pipe(concatMap(() => throwError(() => error))),
      ),
    );
  }

  private async succeeded(claim: IdempotencyClaim, res: Response, value: unknown): Promise<void> {
    // A handler that wrote the response itself (@Res() without passthrough, a redirect) leaves
    // nothing to capture; give the key back rather than store a guess.
    if (res.headersSent) return this.idempotency.release(claim);
    const headers = pickHeaders(res);
    let body: string | null = null;
    if (value !== undefined && value !== null) {
      const json = typeof value === 'object';
      // Nest sends an object with res.json() and anything else with res.send(String(value)),
      // which for numbers and booleans is what JSON.stringify() gives too.
      body = typeof value === 'string' ? value : JSON.stringify(value);
      // The Content-Type Express gives each of them when the handler set none.
      headers['content-type'] ??= json
        ? 'application/json; charset=utf-8'
        : 'text/html; charset=utf-8';
    }
    await this.idempotency.complete(claim, { status: res.statusCode, headers, body });
  }

  private async failed(claim: IdempotencyClaim, req: AuthedRequest, error: unknown) {
    // Pipes refused the input before the handler ran: nothing happened, so nothing is stored and
    // a corrected request may use the same key (Stripe does the same for invalid parameters).
    if ((req as unknown as Record<symbol, unknown>)[REJECTED_BY_PIPES] === true) {
      return this.idempotency.release(claim);
    }
    const body = toErrorBody(normalizeError(error), req);
    if (!isFinal(body.statusCode)) return this.idempotency.release(claim);
    // The very body the global filter is about to send for this error.
    await this.idempotency.complete(claim, {
      status: body.statusCode,
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify(body),
    });
  }
}

/** `POST /api/v1/articles`: the route template, so `/articles/a` and `/articles/b` share a space. */
function routeOf(ctx: ExecutionContext, req: AuthedRequest): string {
  const template = (req.route as { path?: unknown } | undefined)?.path;
  return `${req.method} ${typeof template === 'string' ? template : `${ctx.getClass().name}.${ctx.getHandler().name}`}`;
}

function pickHeaders(res: Response): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const name of REPLAYED_HEADERS) {
    const value = res.getHeader(name);
    if (value !== undefined) headers[name] = String(value);
  }
  return headers;
}

/** Sets status and headers; Nest then sends the returned bytes as they are (Content-Type set). */
function replay(res: Response, stored: StoredResponse): string | undefined {
  res.status(stored.status);
  for (const [name, value] of Object.entries(stored.headers)) res.setHeader(name, value);
  res.setHeader(REPLAYED_HEADER, 'true');
  return stored.body ?? undefined;
}
