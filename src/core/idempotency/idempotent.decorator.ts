import {
  applyDecorators,
  createParamDecorator,
  SetMetadata,
  UseInterceptors,
  type ExecutionContext,
} from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiHeader,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import type { AuthedRequest } from '@/core/auth/request-context';
import { ErrorBody } from '@/core/http/error-body';
import {
  IDEMPOTENT_OPTIONS,
  IdempotencyInterceptor,
  idempotencyKeyOf,
  type IdempotentOptions,
} from './idempotency.interceptor';

/**
 * Makes a REST route safe to retry with an `Idempotency-Key` header (Stripe semantics): the first
 * request with a key runs; a retry with the same key and the same request gets the stored
 * response again (`Idempotent-Replayed: true`); the same key with another request is a 422
 * (`IDEMPOTENCY.KEY_REUSED`); a retry while the first still runs is a 409
 * (`IDEMPOTENCY.IN_FLIGHT`, `Retry-After: 1`). 2xx and 4xx answers are stored for
 * `IDEMPOTENCY_TTL_HOURS`; a 5xx releases the key. Keys are scoped per principal and route.
 *
 * The handler must return its body (JSON or text); `@Res({ passthrough: true })` is fine.
 * For exactly-once effects across a crash, also store the key with the business write; see
 * `@IdempotencyKey()` and src/core/idempotency/README.md.
 *
 * @example
 * @RequirePermissions(Permission.OrdersPlace)
 * @Idempotent({ required: true })
 * @Post('checkout')
 * checkout(@CurrentUser() user: AuthUser, @IdempotencyKey() key: string) {}
 */
export function Idempotent(options: IdempotentOptions = {}): MethodDecorator {
  return applyDecorators(
    SetMetadata(IDEMPOTENT_OPTIONS, options),
    UseInterceptors(IdempotencyInterceptor),
    ApiHeader({
      name: 'Idempotency-Key',
      required: options.required ?? false,
      description:
        'Makes a retry safe: the same key with the same request replays the first response ' +
        '(with `Idempotent-Replayed: true`) instead of running again. 1–255 printable ASCII ' +
        'characters, e.g. a UUID; kept 24 hours by default.',
      schema: { type: 'string', minLength: 1, maxLength: 255 },
    }),
    ApiBadRequestResponse({
      type: ErrorBody,
      description: options.required
        ? 'Invalid or missing Idempotency-Key (`IDEMPOTENCY.INVALID_KEY`, `IDEMPOTENCY.KEY_REQUIRED`)'
        : 'Invalid Idempotency-Key (`IDEMPOTENCY.INVALID_KEY`)',
    }),
    ApiConflictResponse({
      type: ErrorBody,
      description:
        'A request with this Idempotency-Key is still running (`IDEMPOTENCY.IN_FLIGHT`); retry after `Retry-After`',
    }),
    ApiUnprocessableEntityResponse({
      type: ErrorBody,
      description:
        'Validation failed, or the Idempotency-Key was used for a different request (`IDEMPOTENCY.KEY_REUSED`)',
    }),
  );
}

/**
 * The validated `Idempotency-Key` of the request (`undefined` when none was sent), for services
 * that store it with their own write under a unique constraint: that is what makes a retry after
 * a crash between commit and response storage safe. Needs `@Idempotent()` on the same handler.
 *
 * @example
 * @Idempotent({ required: true }) @Post(':id/refunds')
 * refund(@Param('id') id: string, @IdempotencyKey() key: string) {
 *   return this.payments.refund(id, key); // INSERT … (order_id, idempotency_key) UNIQUE
 * }
 */
export const IdempotencyKey = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): string | undefined =>
    idempotencyKeyOf(ctx.switchToHttp().getRequest<AuthedRequest>()),
);
