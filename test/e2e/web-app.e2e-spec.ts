import { get as httpGet } from 'node:http';
import { brotliDecompressSync } from 'node:zlib';
import { startService, TestService } from '../support/service';

/** The web app as the service serves it at `/` (npm test builds it into dist/web with the service). */
describe('web app serving', () => {
  let service: TestService;
  let index: string;
  beforeAll(async () => {
    service = await startService();
    index = await (await fetch(`${service.baseUrl}/`)).text();
  });
  afterAll(() => service?.stop());

  const get = (path: string, headers: Record<string, string> = {}) =>
    fetch(`${service.baseUrl}${path}`, { headers });
  const scriptPath = () => /<script type="module" crossorigin src="([^"]+)"/.exec(index)![1];

  it('answers / with index.html, revalidated every time, under a CSP without inline scripts or eval', async () => {
    const response = await get('/');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-cache');
    const csp = response.headers.get('content-security-policy')!;
    expect(csp).toMatch(/script-src 'self'(;|$)/);
    expect(csp).not.toContain("'unsafe-eval'");
    expect(csp).not.toMatch(/script-src[^;]*'unsafe-inline'/);
    expect(index).toContain('<div id="root"></div>');
    expect(index).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/); // every script is a file
  });

  it('answers a client-side address with index.html, so a reload or a shared link opens the screen', async () => {
    for (const path of ['/shipments', '/shipments/SHP-2020-000001', '/shipments/new?x=1', '/reports']) {
      const response = await get(path);
      expect({ path, status: response.status, type: response.headers.get('content-type') }).toEqual({
        path,
        status: 200,
        type: 'text/html; charset=utf-8',
      });
      expect(await response.text()).toBe(index);
    }
  });

  it('keeps unknown API, docs and health paths and missing files as problem+json 404s, never index.html', async () => {
    for (const path of [
      '/api/v1/nope',
      '/api/v2/shipments',
      '/api',
      '/health/nope',
      '/docs-json/x',
      '/metrics/x',
      '/assets/missing-abc123.js',
      '/favicon.ico',
    ]) {
      const response = await get(path);
      expect({ path, status: response.status, type: response.headers.get('content-type') }).toEqual({
        path,
        status: 404,
        type: 'application/problem+json; charset=utf-8',
      });
    }
    const api = await get('/api/v1/shipments');
    expect(api.status).toBe(401);
    expect((await get('/health/live')).status).toBe(200);
    expect((await get('/docs-json')).headers.get('content-type')).toContain('application/json');
  });

  it('serves the hashed files immutable for a year, brotli or gzip as the browser takes them', async () => {
    const path = scriptPath();
    expect(path).toMatch(/^\/assets\/index-[\w-]+\.js$/);
    const plain = await get(path, { 'accept-encoding': 'identity' });
    expect(plain.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(plain.headers.get('content-encoding')).toBeNull();
    const source = Buffer.from(await plain.arrayBuffer());

    // fetch would inflate the body: read the bytes as sent.
    const brotli = await new Promise<{ headers: Record<string, unknown>; body: Buffer }>(
      (resolve, reject) => {
        httpGet(`${service.baseUrl}${path}`, { headers: { 'accept-encoding': 'br, gzip' } }, (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => resolve({ headers: response.headers, body: Buffer.concat(chunks) }));
        }).on('error', reject);
      },
    );
    expect(brotli.headers['content-encoding']).toBe('br');
    expect(brotli.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(brotli.headers.vary).toMatch(/accept-encoding/i);
    expect(brotliDecompressSync(brotli.body).equals(source)).toBe(true);
    expect(brotli.body.length).toBeLessThan(source.length / 2);

    const gzip = await get(path, { 'accept-encoding': 'gzip' });
    expect(gzip.headers.get('content-encoding')).toBe('gzip');
    expect(Buffer.from(await gzip.arrayBuffer()).equals(source)).toBe(true); // fetch inflates it
  });
});
