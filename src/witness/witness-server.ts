import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { cosignerVerifierKey } from '../audit/merkle/cosignature';
import type { AddCheckpoint } from './add-checkpoint';
import type { WitnessStateStore } from './witness-state';

/** A checkpoint with a few dozen signatures is a few KiB; nothing legitimate comes near this. */
const MAX_BODY_BYTES = 64 * 1024;

export interface WitnessServerOptions {
  addCheckpoint: AddCheckpoint;
  state: WitnessStateStore;
  name: string;
  publicKey: import('node:crypto').KeyObject;
  origins: string[];
  log: Logger;
}

/**
 * The witness's HTTP interface (C2SP tlog-witness), submission and monitoring prefix both `/`:
 *   POST /add-checkpoint            the protocol's write call
 *   GET  /<sha256(origin) hex>/checkpoint   the latest checkpoint cosigned for a log (monitors)
 *   GET  /                          the witness's verifier key, to give to log operators
 */
export function createWitnessServer(options: WitnessServerOptions): Server {
  const { addCheckpoint, state, log } = options;
  const verifierKey = cosignerVerifierKey(options.name, options.publicKey);
  const byOriginHash = new Map(options.origins.map((origin) => [createHash('sha256').update(origin).digest('hex'), origin]));

  const answer = (response: ServerResponse, status: number, contentType: string, body: string) => {
    response.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(body) });
    response.end(body);
  };

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const path = new URL(request.url ?? '/', 'http://witness').pathname;
    if (path === '/add-checkpoint') {
      if (request.method !== 'POST') return answer(response, 405, 'text/plain; charset=utf-8', 'use POST\n');
      const body = await readBody(request);
      if (!body) {
        response.setHeader('connection', 'close'); // the rest of the body is not read
        return answer(response, 413, 'text/plain; charset=utf-8', `the body exceeds ${MAX_BODY_BYTES} bytes\n`);
      }
      const result = await addCheckpoint.handle(body);
      log.info({ status: result.status, reason: result.status === 200 ? undefined : result.body.trim() }, 'add-checkpoint');
      return answer(response, result.status, result.contentType, result.body);
    }
    const monitored = /^\/([0-9a-f]{64})\/checkpoint$/.exec(path);
    if (monitored && request.method === 'GET') {
      const origin = byOriginHash.get(monitored[1]);
      const latest = origin === undefined ? undefined : await state.get(origin);
      if (!latest) return answer(response, 404, 'text/plain; charset=utf-8', 'no checkpoint cosigned for this log\n');
      return answer(response, 200, 'text/plain; charset=utf-8', latest.note);
    }
    if (path === '/' && request.method === 'GET') return answer(response, 200, 'text/plain; charset=utf-8', `${verifierKey}\n`);
    return answer(response, 404, 'text/plain; charset=utf-8', 'not found\n');
  };

  return createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      log.error({ err: error }, 'request failed');
      if (!response.headersSent) answer(response, 500, 'text/plain; charset=utf-8', 'internal error\n');
      else response.destroy();
    });
  });
}

/** The request body, or undefined once it passes MAX_BODY_BYTES. */
async function readBody(request: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
