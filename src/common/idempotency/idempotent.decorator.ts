import { applyDecorators, UseInterceptors } from '@nestjs/common';
import { ApiHeader } from '@nestjs/swagger';
import { IdempotencyInterceptor } from './idempotency.interceptor';

/**
 * Marks a POST route as honouring `Idempotency-Key`. Per route rather than global: an interceptor on
 * every GET costs measurable time (bench) for nothing.
 */
export const Idempotent = () =>
  applyDecorators(
    UseInterceptors(IdempotencyInterceptor),
    ApiHeader({ name: 'Idempotency-Key', required: false, description: 'Same key and body within 24 h: the first response is replayed' }),
  );
