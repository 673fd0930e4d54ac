import type { FastifyInstance, FastifyRequest } from 'fastify';
import { parseJsonBody } from '../common/json-body';
import { Problem } from '../common/problem';
import type { AppConfig } from '../config/app-config';

const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The request bodies the API takes: JSON, parsed losslessly (numbers keep their literal text), and
 * packing-list CSV. Each keeps its raw text on the request for the idempotency hash.
 */
export function installBodyParsers(fastify: FastifyInstance, config: AppConfig): void {
  fastify.removeContentTypeParser('application/json');
  const jsonBodyLimit = Math.min(config.JSON_BODY_LIMIT_BYTES, config.BODY_LIMIT_BYTES);
  fastify.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit: jsonBodyLimit }, (request, body, done) => {
    try {
      (request as FastifyRequest & { rawBody?: string }).rawBody = body as string;
      done(null, parseJsonBody(body as string));
    } catch (error) {
      done(error as Error, undefined);
    }
  });
  // Packing-list manifests (POST /shipments/import): the CSV as text; the importer parses it.
  fastify.addContentTypeParser('text/csv', { parseAs: 'buffer' }, (request, body, done) => {
    let text: string;
    try {
      text = STRICT_UTF8.decode(body as Buffer);
    } catch {
      done(Problem.badRequest('The manifest is not valid UTF-8: save it as "CSV UTF-8".'), undefined);
      return;
    }
    (request as FastifyRequest & { rawBody?: string }).rawBody = text;
    done(null, text);
  });
}
