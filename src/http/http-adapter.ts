import { FastifyAdapter } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import { LogController, type FastifyError, type FastifyReply, type FastifyRequest } from 'fastify';
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { Problem, PROBLEM_TYPE_BASE } from '../common/problem';
import type { AppConfig } from '../config/app-config';
import { trustProxySetting } from '../config/trust-proxy';

const CLIENT_REQUEST_ID = /^[\w.:\-]{1,128}$/;

/** The Fastify adapter: request ids taken from X-Request-Id when sane, body size limit. */
/** The longest path parameter the router matches (Fastify's default, stated so the web app's fallback knows it). */
export const MAX_PATH_PARAMETER_LENGTH = 100;

export function createHttpAdapter(config: AppConfig): FastifyAdapter {
  return new FastifyAdapter({
    bodyLimit: config.BODY_LIMIT_BYTES,
    trustProxy: trustProxySetting(config.TRUST_PROXY),
    // Fastify's own pino logs requests (nestjs-pino reuses it: useExisting), one line per request from
    // the onResponse hook (request-hooks.ts); pino-http middleware on every request cost ~0.2 ms (bench).
    logger: { level: config.LOG_LEVEL, redact: ['req.headers.authorization', 'req.headers.cookie'] },
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: 'requestId' }),
    genReqId: (raw: IncomingMessage) => {
      const sent = raw.headers['x-request-id'];
      const id = typeof sent === 'string' && CLIENT_REQUEST_ID.test(sent) ? sent : randomUUID();
      (raw as IncomingMessage & { id?: string }).id = id; // pino-http logs the same id
      return id;
    },
    routerOptions: { maxParamLength: MAX_PATH_PARAMETER_LENGTH },
    frameworkErrors,
    clientErrorHandler,
  });
}

/**
 * URLs the router refuses before any hook runs (malformed percent-encoding, a path parameter longer than
 * maxParamLength): problem+json like every other error, not Fastify's own JSON.
 */
function frameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  void reply.header('x-request-id', request.id);
  sendProblem(
    request,
    reply,
    error.code === 'FST_ERR_MAX_PARAM_LENGTH'
      ? pathSegmentTooLong()
      : Problem.badRequest('The URL is not valid (malformed percent-encoding or characters).'),
  );
}

export const pathSegmentTooLong = () => new Problem(414, 'uri-too-long', 'URI Too Long', 'A path segment of the URL is too long.');

/**
 * Requests Node's parser refuses (headers over 16 KB, e.g. a huge query string; a malformed request
 * line) never reach Fastify: answered here, in problem+json, on the raw socket.
 */
function clientErrorHandler(error: NodeJS.ErrnoException, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed || !socket.writable) return;
  const [status, code, title, detail] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'request-header-fields-too-large', 'Request Header Fields Too Large', 'The request line and headers exceed 16 KB; shorten the query string or headers.']
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'request-timeout', 'Request Timeout', 'The request was not received in time.']
        : [400, 'bad-request', 'Bad Request', 'The request is not valid HTTP.'];
  const requestId = randomUUID();
  const body = JSON.stringify({ type: `${PROBLEM_TYPE_BASE}${code}`, title, status, detail, requestId });
  socket.end(
    `HTTP/1.1 ${status} ${title}\r\nContent-Type: application/problem+json; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nX-Request-Id: ${requestId}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/** The problem+json answer, for errors that never reach Nest's exception filter. */
export function sendProblem(request: FastifyRequest, reply: FastifyReply, problem: Problem): void {
  void reply
    .status(problem.status)
    .header('content-type', 'application/problem+json; charset=utf-8')
    .send({
      type: `${PROBLEM_TYPE_BASE}${problem.code}`,
      title: problem.title,
      status: problem.status,
      detail: problem.detail ?? problem.title,
      requestId: request.id,
      ...(problem.errors?.length ? { errors: problem.errors } : {}),
    });
}
