import type { ExecutionContext } from '@nestjs/common';
import { GqlExecutionContext, type GqlContextType } from '@nestjs/graphql';
import type { Request, Response } from 'express';
import type { AuthUser } from './permissions';

export type AuthedRequest = Request & { user?: AuthUser };

/** The HTTP request behind a REST call or a GraphQL operation (undefined for other transports). */
export function requestOf(ctx: ExecutionContext): AuthedRequest | undefined {
  const type = ctx.getType<GqlContextType>();
  if (type === 'http') return ctx.switchToHttp().getRequest<AuthedRequest>();
  if (type === 'graphql')
    return GqlExecutionContext.create(ctx).getContext<{ req: AuthedRequest }>().req;
  return undefined;
}

export function responseOf(ctx: ExecutionContext): Response | undefined {
  const type = ctx.getType<GqlContextType>();
  if (type === 'http') return ctx.switchToHttp().getResponse<Response>();
  if (type === 'graphql')
    return GqlExecutionContext.create(ctx).getContext<{ res: Response }>().res;
  return undefined;
}
