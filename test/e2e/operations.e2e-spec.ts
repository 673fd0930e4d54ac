import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { Api } from '../support/http';
import { startService, TestService } from '../support/service';

const DIST = process.env.AIDTRAIL_DIST ?? resolve(__dirname, '../../dist');

describe('operations: health, docs, metrics, headers, limits, configuration', () => {
  let service: TestService;
  let api: Api;
  beforeAll(async () => {
    service = await startService({ BODY_LIMIT_BYTES: '4096' });
    api = new Api(service.baseUrl, service.adminToken);
  });
  afterAll(() => service?.stop());

  it('answers liveness and readiness without a token', async () => {
    const live = await api.get('/health/live', { token: null });
    expect(live.status).toBe(200);
    const ready = await api.get('/health/ready', { token: null });
    expect(ready.status).toBe(200);
    expect(ready.body.info.database.status).toBe('up');
  });

  it('serves Swagger UI and an OpenAPI document generated from the code', async () => {
    const ui = await api.get('/docs', { token: null });
    expect(ui.status).toBe(200);
    expect(ui.text).toContain('swagger');
    const doc = await api.get('/docs-json', { token: null });
    expect(doc.status).toBe(200);
    expect(doc.body.openapi).toMatch(/^3\./);
    for (const path of ['/api/v1/shipments', '/api/v1/shipments/{id}/events', '/api/v1/organizations', '/api/v1/tokens']) {
      expect(Object.keys(doc.body.paths)).toContain(path);
    }
    // The CLI plugin reads the DTOs: their fields and comments appear without hand-written decorators.
    const createShipment = doc.body.components.schemas.CreateShipmentDto;
    expect(createShipment.required).toEqual(expect.arrayContaining(['donorId', 'recipientId', 'origin', 'destination', 'items']));
    expect(createShipment.properties.items.description).toContain('1..1000 lines');
    expect(doc.body.components.schemas.ShipmentItemDto.properties.quantity.type).toBe('string');
  });

  it('exposes Prometheus metrics, including request durations by route', async () => {
    await api.get('/shipments');
    const metrics = await api.get('/metrics', { token: null });
    expect(metrics.status).toBe(200);
    expect(metrics.headers.get('content-type')).toContain('text/plain');
    expect(metrics.text).toMatch(/aidtrail_http_request_duration_seconds_count\{method="GET",route="\/api\/v1\/shipments",status="200"\} \d+/);
    expect(metrics.text).toContain('process_resident_memory_bytes');
  });

  it('echoes a sane X-Request-Id and replaces an unsafe one', async () => {
    const echoed = await api.get('/me', { headers: { 'x-request-id': 'field-office-42' } });
    expect(echoed.headers.get('x-request-id')).toBe('field-office-42');
    const replaced = await api.get('/me', { headers: { 'x-request-id': 'bad id\twith spaces' } });
    expect(replaced.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const problem = await api.get('/shipments/nope', { headers: { 'x-request-id': 'trace-7' } });
    expect(problem.status).toBe(404);
    expect(problem.body.requestId).toBe('trace-7');
  });

  it('sends security headers on every answer, refusals and unknown routes included', async () => {
    for (const response of [
      await api.get('/health/live', { token: null }),
      await api.get('/shipments', { token: null }),
      await api.get('/no-such-route', { token: null }),
    ]) {
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('content-security-policy')).toContain("default-src 'self'");
      expect(response.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    }
  });

  it('answers malformed JSON, oversized bodies and unknown routes with problem+json', async () => {
    const malformed = await api.post('/organizations', undefined, { rawBody: '{"name": ' });
    expect(malformed.status).toBe(400);
    expect(malformed.headers.get('content-type')).toContain('application/problem+json');
    expect(malformed.body.detail).toContain('not valid JSON');

    const oversized = await api.post('/organizations', undefined, { rawBody: JSON.stringify({ name: 'x'.repeat(5000), type: 'ngo' }) });
    expect(oversized.status).toBe(413);
    expect(oversized.headers.get('content-type')).toContain('application/problem+json');

    const unknown = await api.get('/no-such-route');
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-type')).toContain('application/problem+json');
    expect(unknown.body.requestId).toBeTruthy();
  });

  it('never leaks internals in a problem', async () => {
    const response = await api.post('/organizations', undefined, { rawBody: '{"name":"\\u0000","type":"ngo"}' });
    expect(response.status).toBe(400);
    expect(response.body.errors).toEqual([{ path: 'name', message: 'must not contain NUL characters' }]);
    expect(response.text).not.toMatch(/stack|node_modules|SELECT|INSERT|typeorm/i);
  });

  it.each([
    ['PORT', 'abc'],
    ['LOG_LEVEL', 'chatty'],
    ['DATABASE_URL', 'mysql://x'],
    ['WEBHOOK_ALLOW_PRIVATE', 'maybe'],
    ['ADMIN_TOKEN', 'short'],
  ])('refuses to start with invalid %s, in one line naming it', (name, value) => {
    const result = spawnSync(process.execPath, [resolve(DIST, 'src/main.js')], {
      env: { PATH: process.env.PATH, DATABASE_URL: service.databaseUrl, [name]: value },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(result.status).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^Invalid configuration: ${name} `));
  });

  it('logs one JSON line per request with its request id, and never the bearer token', async () => {
    const sibling = await service.startSibling({ LOG_LEVEL: 'info' });
    try {
      const secret = 'not-a-real-token-but-secret-all-the-same';
      const answered = await fetch(`${sibling.baseUrl}/api/v1/me`, {
        headers: { authorization: `Bearer ${secret}`, 'x-request-id': 'log-line-check-1' },
      });
      expect(answered.status).toBe(401);
      const line = await waitForLogLine(sibling.output, (entry) => entry.requestId === 'log-line-check-1');
      expect(line).toMatchObject({ msg: 'request completed', method: 'GET', url: '/api/v1/me', statusCode: 401 });
      expect(typeof line.responseTime).toBe('number');
      expect(sibling.output()).not.toContain(secret);
    } finally {
      await sibling.stop();
    }
  });

  it('shuts down gracefully on SIGTERM', async () => {
    const sibling = await service.startSibling();
    const code = await sibling.stop('SIGTERM');
    expect(code).toBe(0);
  });
});

/** The first JSON log line that `matches`, waiting for the process to print it (logging is asynchronous). */
async function waitForLogLine(
  output: () => string,
  matches: (entry: Record<string, unknown>) => boolean,
): Promise<Record<string, unknown>> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    for (const text of output().split('\n')) {
      if (!text.startsWith('{')) continue;
      const entry = JSON.parse(text) as Record<string, unknown>;
      if (matches(entry)) return entry;
    }
    if (Date.now() > deadline) throw new Error(`no matching log line in:\n${output()}`);
    await new Promise((resolveWait) => setTimeout(resolveWait, 50));
  }
}
