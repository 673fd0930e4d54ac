import { RequestMethod } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createValidationPipe } from './common/validation';
import { AppConfig } from './config/app-config';
import { installBodyParsers } from './http/body-parsers';
import { setupOpenApi } from './http/openapi';
import { installRequestHooks } from './http/request-hooks';
import { installSecurityHeaders } from './http/security-headers';

export { createHttpAdapter } from './http/http-adapter';

/** Everything between the adapter and `listen`: prefix, pipes, parsers, hooks, headers, docs. */
export async function configureHttpServer(app: NestFastifyApplication): Promise<void> {
  app.setGlobalPrefix('api/v1', {
    exclude: [
      { path: 'health/live', method: RequestMethod.GET },
      { path: 'health/ready', method: RequestMethod.GET },
      { path: 'metrics', method: RequestMethod.GET },
    ],
  });
  app.useGlobalPipes(createValidationPipe());

  const fastify = app.getHttpAdapter().getInstance();
  installBodyParsers(fastify, app.get(AppConfig));
  installRequestHooks(fastify);
  installSecurityHeaders(fastify);

  setupOpenApi(app);
}
