import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Problem, PROBLEM_TYPE_BASE } from './problem';
import { databaseProblem } from './database-errors';

/**
 * The one place errors become RFC 9457 problem+json. Typed Problems keep their status and fields;
 * framework HttpExceptions keep their status; anything else is logged and answered as a bare 500
 * with the request id, never with a stack, SQL or an internal name.
 */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const request = host.switchToHttp().getRequest<FastifyRequest>();
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const problem = this.toProblem(exception, request);
    const body: Record<string, unknown> = {
      type: `${PROBLEM_TYPE_BASE}${problem.code}`,
      title: problem.title,
      status: problem.status,
      detail: problem.detail ?? problem.title,
      requestId: request.id,
    };
    if (problem.errors?.length) body.errors = problem.errors;
    for (const [name, value] of Object.entries(problem.headers ?? {})) void reply.header(name, value);
    void reply.status(problem.status).header('content-type', 'application/problem+json; charset=utf-8').send(body);
  }

  private toProblem(exception: unknown, request: FastifyRequest): Problem {
    if (exception instanceof Problem) return exception;
    const fromDatabase = databaseProblem(exception);
    if (fromDatabase) return fromDatabase;
    if (exception instanceof HttpException) return fromHttpException(exception);
    // Fastify's own errors, raised before a handler runs (body size, media type, parsing), carry a status.
    const fastifyError = exception as { statusCode?: number; code?: string; message?: string };
    if (typeof fastifyError.statusCode === 'number' && fastifyError.statusCode < 500) {
      const [code, title] = FASTIFY_STATUS_TITLES[fastifyError.statusCode] ?? ['bad-request', 'Bad Request'];
      return new Problem(fastifyError.statusCode, code, title, fastifyError.message);
    }
    this.logger.error({ err: exception, requestId: request.id }, 'unhandled error');
    return new Problem(500, 'internal', 'Internal Server Error', 'An unexpected error occurred; quote the requestId when reporting it.');
  }
}

const FASTIFY_STATUS_TITLES: Record<number, [string, string]> = {
  413: ['payload-too-large', 'Content Too Large'],
  415: ['unsupported-media-type', 'Unsupported Media Type'],
};

function fromHttpException(exception: HttpException): Problem {
  const status = exception.getStatus();
  const response = exception.getResponse();
  const message =
    typeof response === 'object' && response !== null && 'message' in response
      ? String((response as { message: unknown }).message)
      : exception.message;
  const titles: Record<number, [string, string]> = {
    404: ['not-found', 'Not Found'],
    405: ['method-not-allowed', 'Method Not Allowed'],
    413: ['payload-too-large', 'Content Too Large'],
    415: ['unsupported-media-type', 'Unsupported Media Type'],
    429: ['too-many-requests', 'Too Many Requests'],
  };
  const [code, title] = titles[status] ?? (status >= 500 ? ['internal', 'Internal Server Error'] : ['bad-request', 'Bad Request']);
  return new Problem(status, code, title, status >= 500 ? 'An unexpected error occurred.' : message);
}
