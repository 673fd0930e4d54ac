import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyRequest } from 'fastify';
import { BearerAuthenticator } from './bearer-authenticator';

const API_PREFIX = '/api/v1/';

/**
 * Refuses a request that brings a body without a valid bearer token before the body is read: parsing a
 * stranger's 3 MB of JSON would hold the event loop for everyone, so the token is checked as soon as
 * the headers are in (Fastify's onRequest). Every route under /api/v1 needs a token; the global guard
 * stays the authority on roles and reuses the principal found here. Requests without a body go
 * straight to the guard, which has nothing to save them from.
 */
export function authenticateBeforeParsing(app: NestFastifyApplication): void {
  const authenticator = app.get(BearerAuthenticator);
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRequest', async (request: FastifyRequest) => {
      if (!hasBody(request) || !request.routeOptions.url?.startsWith(API_PREFIX)) return;
      await authenticator.authenticate(request);
    });
}

function hasBody(request: FastifyRequest): boolean {
  const length = request.headers['content-length'];
  return (length !== undefined && length !== '0') || request.headers['transfer-encoding'] !== undefined;
}
