import type { FastifyInstance } from 'fastify';
import { checkQueryText } from '../common/json-body';
import { httpRequestDuration } from '../metrics/metrics';

/** Every request: its id echoed in X-Request-Id, its query text checked, one log line and its duration. */
export function installRequestHooks(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', async (request, reply) => {
    void reply.header('x-request-id', request.id);
  });
  fastify.addHook('preValidation', async (request) => checkQueryText(request.query));
  fastify.addHook('onResponse', async (request, reply) => {
    if (request.url !== '/health/live' && request.url !== '/metrics') {
      request.log.info(
        { method: request.method, url: request.url, statusCode: reply.statusCode, responseTime: reply.elapsedTime },
        'request completed',
      );
    }
    httpRequestDuration.observe(
      { method: request.method, route: request.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });
}
