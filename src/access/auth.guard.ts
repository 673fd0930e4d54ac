import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { Problem } from '../common/problem';
import type { LedgerRequestState } from '../common/request-context';
import type { Role } from './access-token.entity';
import { PUBLIC_KEY, ROLES_KEY } from './access.decorators';
import { FailedAuthLimiter } from './failed-auth-limiter';
import { TokensRepository } from './tokens.repository';

const BEARER = /^Bearer ([\x21-\x7e]{1,512})$/;

/** Deny by default: every route needs @Public or @Roles, and every @Roles route a live token. */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: TokensRepository,
    private readonly failures: FailedAuthLimiter,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const roles = this.reflector.getAllAndOverride<Role[]>(ROLES_KEY, targets);
    if (!roles) throw Problem.forbidden('This route is not open to any role.');

    const request = context.switchToHttp().getRequest<FastifyRequest & LedgerRequestState>();
    const header = request.headers.authorization;
    if (!header) throw Problem.unauthorized('Send a bearer token: Authorization: Bearer <token>.');
    const retryAfter = this.failures.retryAfterSeconds(request.ip);
    if (retryAfter > 0) {
      throw new Problem(429, 'too-many-failed-authentications', 'Too Many Requests', 'Too many requests with invalid tokens from this address; retry later.', undefined, {
        'retry-after': String(retryAfter),
      });
    }
    const match = BEARER.exec(header);
    if (!match) {
      this.failures.recordFailure(request.ip);
      throw Problem.unauthorized('The Authorization header is not of the form "Bearer <token>".');
    }
    const principal = await this.tokens.findActiveBySecret(match[1]);
    if (!principal) {
      this.failures.recordFailure(request.ip);
      throw Problem.unauthorized('The token is unknown, expired or revoked.');
    }
    if (!roles.includes(principal.role)) {
      throw Problem.forbidden(`The role ${principal.role} may not do this.`);
    }
    request.principal = principal;
    return true;
  }
}
