import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { LedgerRequestState, RequestContext } from '../common/request-context';
import type { Role } from './access-token.entity';

export const ROLES_KEY = 'aidtrail:roles';
export const PUBLIC_KEY = 'aidtrail:public';

/** The roles that may call a route. A route with neither @Roles nor @Public is refused to everyone. */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);
/** A route outside the bearer-token contract (health, metrics). */
export const Public = () => SetMetadata(PUBLIC_KEY, true);
/** Every valid token, whatever its role. */
export const ANY_ROLE: Role[] = ['admin', 'coordinator', 'auditor', 'partner'];

/** The request's context for the service: caller, request id and any transaction it already runs in. */
export const Ctx = createParamDecorator((_: unknown, host: ExecutionContext): RequestContext => {
  const request = host.switchToHttp().getRequest<FastifyRequest & LedgerRequestState>();
  if (!request.principal) throw new Error('Ctx used on a route without a principal');
  return { requestId: request.id, principal: request.principal, transaction: request.ledgerTransaction };
});
