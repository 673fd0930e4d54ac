import { Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { Problem } from '../common/problem';
import type { LedgerRequestState } from '../common/request-context';
import { clientKey } from './client-address';
import { FailedAuthLimiter } from './failed-auth-limiter';
import type { Principal } from './principal';
import { TokensRepository } from './tokens.repository';

const BEARER = /^Bearer ([\x21-\x7e]{1,512})$/;

/**
 * Who a request's bearer token names, once per request (the early check before the body and the
 * guard share the answer). The token is looked up before the failure limiter is asked, so that a valid
 * token is served even from an address that others behind the same NAT or proxy got locked out: the
 * limiter slows guessing, it must not lock out the office. Only failures count, per client address
 * (IPv6 per /64).
 */
@Injectable()
export class BearerAuthenticator {
  constructor(
    private readonly tokens: TokensRepository,
    private readonly failures: FailedAuthLimiter,
  ) {}

  async authenticate(request: FastifyRequest & LedgerRequestState): Promise<Principal> {
    if (request.principal) return request.principal;
    const header = request.headers.authorization;
    if (!header) throw Problem.unauthorized('Send a bearer token: Authorization: Bearer <token>.');
    const match = BEARER.exec(header);
    const principal = match ? await this.tokens.findActiveBySecret(match[1]) : undefined;
    if (principal) {
      request.principal = principal;
      return principal;
    }
    const client = clientKey(request.ip);
    const retryAfter = this.failures.retryAfterSeconds(client);
    if (retryAfter > 0) {
      throw new Problem(
        429,
        'too-many-failed-authentications',
        'Too Many Requests',
        'Too many requests with invalid tokens from this address; retry later.',
        undefined,
        {
          'retry-after': String(retryAfter),
        },
      );
    }
    this.failures.recordFailure(client);
    throw Problem.unauthorized(
      match
        ? 'The token is unknown, expired or revoked.'
        : 'The Authorization header is not of the form "Bearer <token>".',
    );
  }
}
