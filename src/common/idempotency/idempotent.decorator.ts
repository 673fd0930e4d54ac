import { applyDecorators, UseInterceptors } from '@nestjs/common';
import { ApiHeader } from '@nestjs/swagger';
import { ApiProblems } from '../openapi/api-problems.decorator';
import { IdempotencyInterceptor } from './idempotency.interceptor';

/**
 * Marks a POST route as honouring `Idempotency-Key` (and documents the key and the problems it brings:
 * 400 malformed key, 409 same key still running, 422 same key with another body). Per route rather than global: an interceptor on
 * every GET costs measurable time (bench) for nothing.
 */
export const Idempotent = () =>
  applyDecorators(
    UseInterceptors(IdempotencyInterceptor),
    ApiHeader({
      name: 'Idempotency-Key',
      required: false,
      description: 'Same key and body within 24 h: the first response is replayed (with Idempotent-Replayed: true)',
      schema: { type: 'string', pattern: '^[\\x21-\\x7e]{1,255}$', example: 'az-ua-2020-06' },
    }),
    ApiProblems(
      {
        status: 400,
        code: 'validation-failed',
        detail: 'Idempotency-Key: must be 1 to 255 printable ASCII characters',
        errors: [{ path: 'Idempotency-Key', message: 'must be 1 to 255 printable ASCII characters' }],
      },
      { status: 409, code: 'idempotency-in-progress', detail: 'A request with this Idempotency-Key is still being processed; retry later.' },
      { status: 422, code: 'unprocessable', detail: 'This Idempotency-Key was already used with a different request.' },
    ),
  );
