import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { Problem } from '../common/problem';
import type { LedgerRequestState } from '../common/request-context';
import type { Role } from './access-token.entity';
import { PUBLIC_KEY, ROLES_KEY } from './access.decorators';
import { BearerAuthenticator } from './bearer-authenticator';

/** Deny by default: every route needs @Public or @Roles, and every @Roles route a live token. */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly authenticator: BearerAuthenticator,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const roles = this.reflector.getAllAndOverride<Role[]>(ROLES_KEY, targets);
    if (!roles) throw Problem.forbidden('This route is not open to any role.');

    const request = context.switchToHttp().getRequest<FastifyRequest & LedgerRequestState>();
    const principal = await this.authenticator.authenticate(request);
    if (!roles.includes(principal.role)) {
      throw Problem.forbidden(`The role ${principal.role} may not do this.`);
    }
    return true;
  }
}
