import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { MAX_PATH_PARAMETER_LENGTH, pathSegmentTooLong, sendProblem } from './http-adapter';

/** Where `npm run build` puts the web app (vite's outDir), next to the compiled service. */
export const WEB_APP_DIR = resolve(__dirname, '../../web');

// Paths the service answers itself: an unknown one there is the API's 404, never the app's page.
const SERVICE_PATHS = /^\/(api|docs|docs-json|health|metrics)(\/|$|\?)/;
// A last segment with a dot names a file (/assets/x.js, /favicon.ico): missing, it is a 404 too.
const FILE_LIKE = /\/[^/?]*\.[^/?]*(\?|$)/;

const IMMUTABLE = 'public, max-age=31536000, immutable';
const REVALIDATE = 'no-cache';

/**
 * Serves the single-page app at `/`: the hashed files under /assets/ cached for a year (their names
 * change with their content), index.html revalidated every time, each sent as the brotli or gzip copy
 * made at build when the browser takes it. Any other GET outside the service's own paths answers
 * index.html, so a shared or reloaded client-side address (/shipments/…) opens the right screen.
 * Without a built app (a service-only build) nothing is registered.
 */
export async function registerWebApp(fastify: FastifyInstance, root = WEB_APP_DIR): Promise<boolean> {
  const indexFile = join(root, 'index.html');
  if (!existsSync(indexFile)) return false;
  const indexHtml = readFileSync(indexFile);

  await fastify.register(fastifyStatic, {
    root,
    prefix: '/',
    wildcard: false, // one route per built file, found once at start-up
    index: false,
    decorateReply: false,
    preCompressed: true,
    cacheControl: false,
    etag: true,
    lastModified: false,
    globIgnore: ['**/*.br', '**/*.gz'],
    setHeaders: (reply, path) => {
      void reply.header('cache-control', path.includes('/assets/') ? IMMUTABLE : REVALIDATE);
    },
  });

  const sendIndex = (reply: FastifyReply) =>
    reply.header('cache-control', REVALIDATE).header('content-type', 'text/html; charset=utf-8').send(indexHtml);
  fastify.route({
    method: ['GET', 'HEAD'],
    url: '/*',
    handler: (request, reply) => {
      if (!SERVICE_PATHS.test(request.url) && !FILE_LIKE.test(request.url)) return sendIndex(reply);
      // An API path whose parameter is too long for its route lands here, not in the router's 414.
      if (hasLongSegment(request.url)) return sendProblem(request, reply, pathSegmentTooLong());
      return reply.callNotFound();
    },
  });
  fastify.get('/', (_request, reply) => sendIndex(reply));
  return true;
}

const hasLongSegment = (url: string) =>
  url
    .split('?')[0]
    .split('/')
    .some((segment) => segment.length > MAX_PATH_PARAMETER_LENGTH);
