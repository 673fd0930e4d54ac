import { request } from 'node:http';
import { issueToken, seedParties, seedShipmentBody } from '../support/builders';
import { Api, ApiResponse } from '../support/http';
import { expectProblem } from '../support/problems';
import { startService, TestService } from '../support/service';

const THREE_MB = 3 * 1024 * 1024;
const JSON_LIMIT = 64 * 1024;

/** The first part of a `size`-byte JSON array of numbers: what a stranger sends to make the service parse. */
const numbersPrefix = (bytes: number) => '[' + '1234567.891,'.repeat(Math.floor(bytes / 12));

interface Partial {
  /** The answer, if one came while the body was still incomplete. */
  answer: Promise<{ status: number; body: string } | 'no answer'>;
  bytesSent: number;
}

/**
 * Sends the headers of a POST announcing `size` bytes and only the first 64 KB of its body, then waits
 * `waitMs` for an answer: one that comes was given without reading the body.
 */
function partialPost(
  baseUrl: string,
  path: string,
  headers: Record<string, string>,
  size: number,
  waitMs: number,
): Partial {
  const first = numbersPrefix(64 * 1024);
  const url = new URL(`/api/v1${path}`, baseUrl);
  const answer = new Promise<{ status: number; body: string } | 'no answer'>((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json', 'content-length': String(size) },
      },
      (response) => {
        let body = '';
        response.on('data', (chunk) => (body += chunk));
        response.on('end', () => {
          clearTimeout(timer);
          req.destroy();
          resolve({ status: response.statusCode ?? 0, body });
        });
      },
    );
    const timer = setTimeout(() => {
      req.destroy();
      resolve('no answer');
    }, waitMs);
    req.on('error', (error) => (req.destroyed ? undefined : reject(error)));
    req.write(first);
  });
  return { answer, bytesSent: first.length };
}

describe('authentication before the body is read', () => {
  let service: TestService;
  let api: Api;

  beforeAll(async () => {
    service = await startService({
      JSON_BODY_LIMIT_BYTES: String(4 * 1024 * 1024),
      BODY_LIMIT_BYTES: String(8 * 1024 * 1024),
    });
    api = new Api(service.baseUrl, service.adminToken);
  });
  afterAll(async () => {
    await service?.stop();
  });

  it('refuses a 3 MB body without a valid token (401) before reading it, while a valid token waits for the body', async () => {
    // Side by side, the same unfinished 3 MB upload: without a token, with a wrong one, with a valid one.
    const anonymous = partialPost(service.baseUrl, '/shipments', {}, THREE_MB, 3_000);
    const wrong = partialPost(
      service.baseUrl,
      '/shipments',
      { authorization: 'Bearer not-a-token-at-all' },
      THREE_MB,
      3_000,
    );
    const valid = partialPost(
      service.baseUrl,
      '/shipments',
      { authorization: `Bearer ${service.adminToken}` },
      THREE_MB,
      3_000,
    );
    for (const refused of [anonymous, wrong]) {
      const answer = await refused.answer;
      expect(answer).not.toBe('no answer');
      const { status, body } = answer as { status: number; body: string };
      expect(status).toBe(401);
      expect(JSON.parse(body)).toMatchObject({ status: 401, type: expect.stringMatching(/unauthorized$/) });
      expect(refused.bytesSent).toBeLessThan(THREE_MB / 40);
    }
    // The authenticated request is waiting for the rest of its body: it is read only once the token is known.
    expect(await valid.answer).toBe('no answer');
  });

  it('answers a whole unauthenticated 3 MB JSON body with 401 problem+json, and an authenticated one after parsing it', async () => {
    const body = numbersPrefix(THREE_MB) + '1]';
    const started = process.hrtime.bigint();
    const refused = await api.post('/shipments', undefined, { token: 'Bearer-less-guess', rawBody: body });
    const refusedMs = Number(process.hrtime.bigint() - started) / 1e6;
    expectProblem(refused, 401);
    const parsedStart = process.hrtime.bigint();
    const parsed = await api.post('/shipments', undefined, { rawBody: body });
    const parsedMs = Number(process.hrtime.bigint() - parsedStart) / 1e6;
    expectProblem(parsed, 400); // an array is not a shipment: parsed, then refused by validation
    expect(refusedMs).toBeLessThan(parsedMs);
  });

  it('keeps roles to the guard: a partner token passes the early check and gets 403 from the guard', async () => {
    const { donor } = await seedParties(api);
    const partner = await issueToken(api, 'partner', donor.id);
    const response: ApiResponse = await api.post(
      '/organizations',
      { name: 'x', type: 'ngo' },
      { token: partner },
    );
    expectProblem(response, 403);
    const created = await api.post('/shipments', seedShipmentBody(donor.id, donor.id), { token: 'wrong' });
    expectProblem(created, 401);
  });
});

describe('JSON bodies have their own, smaller limit than CSV imports', () => {
  let service: TestService;
  let api: Api;

  beforeAll(async () => {
    service = await startService({
      JSON_BODY_LIMIT_BYTES: String(JSON_LIMIT),
      BODY_LIMIT_BYTES: String(1024 * 1024),
    });
    api = new Api(service.baseUrl, service.adminToken);
  });
  afterAll(async () => {
    await service?.stop();
  });

  it('answers 413 problem+json to a JSON body over JSON_BODY_LIMIT_BYTES, while a CSV of that size is read', async () => {
    const { donor, recipient } = await seedParties(api);
    const big = seedShipmentBody(donor.id, recipient.id, { notes: 'x'.repeat(JSON_LIMIT) });
    expectProblem(await api.post('/shipments', big), 413);
    const csv = 'shipmentKey,description\n' + 'k,masks\n'.repeat(Math.ceil((JSON_LIMIT * 2) / 8));
    const imported = await api.post('/shipments/import', undefined, {
      rawBody: csv,
      headers: { 'content-type': 'text/csv' },
    });
    expect(imported.status).toBe(400); // read and checked: required columns are missing
    expect(imported.text).toMatch(/donorId/);
  });
});
