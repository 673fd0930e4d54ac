import { sleep } from '../support/audit-log';
import { issueToken, seedParties, seedShipmentBody } from '../support/builders';
import { Api } from '../support/http';
import { expectFieldError, expectProblem } from '../support/problems';
import { startService, TestService } from '../support/service';

const BODY_LIMIT = 256 * 1024;
const AUTH_FAILURE_LIMIT = 5;
const AUTH_FAILURE_WINDOW_SECONDS = 3;

const line = { description: 'Medical masks', category: 'ppe', quantity: '10', unit: 'each' };
const nested = (levels: number) => '{"a":'.repeat(levels) + '1' + '}'.repeat(levels);

/** Every limit answers a clear 4xx problem+json, and a refused request stores nothing. */
describe('limits', () => {
  let service: TestService;
  let api: Api;
  let parties: { donor: { id: string }; recipient: { id: string } };

  beforeAll(async () => {
    service = await startService({
      BODY_LIMIT_BYTES: String(BODY_LIMIT),
      AUTH_FAILURE_LIMIT: String(AUTH_FAILURE_LIMIT),
      AUTH_FAILURE_WINDOW_SECONDS: String(AUTH_FAILURE_WINDOW_SECONDS),
    });
    api = new Api(service.baseUrl, service.adminToken);
    parties = await seedParties(api);
  });
  afterAll(async () => {
    await service?.stop();
  });

  const shipmentCount = async () => Number((await service.db.query('SELECT count(*) FROM shipment')).rows[0].count);
  const entryCount = async () => Number((await service.db.query('SELECT count(*) FROM audit_entry')).rows[0].count);

  it('refuses a body over BODY_LIMIT_BYTES with 413', async () => {
    const [shipments, entries] = [await shipmentCount(), await entryCount()];
    const body = seedShipmentBody(parties.donor.id, parties.recipient.id, { title: 'x', note: 'y'.repeat(BODY_LIMIT) });
    const response = await api.post('/shipments', body);
    expectProblem(response, 413);
    expect([await shipmentCount(), await entryCount()]).toEqual([shipments, entries]);
  });

  it('takes 1000 lines per shipment and refuses 1001', async () => {
    const [shipments, entries] = [await shipmentCount(), await entryCount()];
    const tooMany = await api.post('/shipments', seedShipmentBody(parties.donor.id, parties.recipient.id, { items: Array(1001).fill(line) }));
    expectFieldError(tooMany, 'items');
    expect([await shipmentCount(), await entryCount()]).toEqual([shipments, entries]);
    const most = await api.post('/shipments', seedShipmentBody(parties.donor.id, parties.recipient.id, { items: Array(1000).fill(line) }));
    expect(most.status).toBe(201);
    expect(most.body.totals.lines).toBe(1000);
  });

  it.each([
    ['title', (n: number) => ({ title: 'x'.repeat(n) }), 300, 'title'],
    ['item description', (n: number) => ({ items: [{ ...line, description: 'x'.repeat(n) }] }), 500, 'items[0].description'],
    ['destination location', (n: number) => ({ destination: { countryCode: 'UA', location: 'x'.repeat(n) } }), 200, 'destination.location'],
  ])('refuses a %s over its maximum length', async (_name, override, max, path) => {
    const at = await api.post('/shipments', seedShipmentBody(parties.donor.id, parties.recipient.id, override(max)));
    expect(at.status).toBe(201);
    const shipments = await shipmentCount();
    const over = await api.post('/shipments', seedShipmentBody(parties.donor.id, parties.recipient.id, override(max + 1)));
    expectFieldError(over, path);
    expect(await shipmentCount()).toBe(shipments);
  });

  it.each([
    ['organization name', '/organizations', (n: number) => ({ name: 'x'.repeat(n), type: 'ngo' }), 300, 'name'],
    ['token name', '/tokens', (n: number) => ({ name: 'x'.repeat(n), role: 'auditor' }), 200, 'name'],
  ])('refuses an %s over its maximum length', async (_name, path, body, max, field) => {
    expect((await api.post(path, body(max))).status).toBe(201);
    const entries = await entryCount();
    expectFieldError(await api.post(path, body(max + 1)), field);
    expect(await entryCount()).toBe(entries);
  });

  it('refuses decimals, codes and dates that are long strings (format-checked fields have no other length limit)', async () => {
    const over = await api.post(
      '/shipments',
      seedShipmentBody(parties.donor.id, parties.recipient.id, {
        plannedDispatchDate: '2'.repeat(10_000),
        origin: { countryCode: 'A'.repeat(10_000) },
        items: [{ ...line, quantity: '9'.repeat(10_000), unitValue: `1.${'0'.repeat(10_000)}`, currency: 'U'.repeat(10_000) }],
      }),
    );
    for (const path of ['plannedDispatchDate', 'origin.countryCode', 'items[0].quantity', 'items[0].unitValue', 'items[0].currency']) {
      expectFieldError(over, path);
    }
  });

  it('refuses JSON nested deeper than 32 levels with 400, however deep', async () => {
    for (const levels of [33, 10_000]) {
      const response = await api.post('/organizations', undefined, { rawBody: `{"name":"Deep ${levels}","type":"ngo","x":${nested(levels)}}` });
      expectProblem(response, 400);
      expect(response.body.detail).toMatch(/nested/);
    }
    // 32 levels are parsed, then refused as an unknown field (not as too deep).
    const shallow = await api.post('/organizations', undefined, { rawBody: `{"name":"Shallow","type":"ngo","x":${nested(30)}}` });
    expectFieldError(shallow, 'x');
    expect(shallow.body.detail).not.toMatch(/nested/);
  });

  it('refuses a NUL character in a query parameter with 400 naming it', async () => {
    for (const path of ['/organizations?q=%00', '/shipments?q=a%00b', '/shipments?emergency=%00', '/audit?action=%00']) {
      const response = await api.get(path);
      expectFieldError(response, new URLSearchParams(path.split('?')[1]).keys().next().value!);
    }
  });

  it('answers malformed URLs, over-long path parameters and huge query strings in problem+json', async () => {
    expectProblem(await api.get('/organizations/%C3%28'), 400);
    expectProblem(await api.get(`/shipments/${'x'.repeat(1000)}`), 414);
    const huge = await api.get(`/shipments?q=${'q'.repeat(20_000)}`);
    expect(huge.status).toBe(431);
    expect(huge.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(huge.body).toMatchObject({ status: 431, requestId: huge.headers.get('x-request-id') });
  });

  it('answers 429 with Retry-After after too many invalid tokens from one address, never for valid ones', async () => {
    const ok = await Promise.all(Array.from({ length: 200 }, () => api.get('/me')));
    expect(new Set(ok.map((response) => response.status))).toEqual(new Set([200]));

    const guesses = [];
    for (let i = 0; i < AUTH_FAILURE_LIMIT; i++) {
      // Successes in between neither count nor reset the failures.
      expect((await api.get('/me')).status).toBe(200);
      guesses.push(await api.get('/me', { token: `guess-${i}-${'a'.repeat(40)}` }));
    }
    for (const guess of guesses) expectProblem(guess, 401);

    const locked = await api.get('/me', { token: 'one-more-guess' });
    expectProblem(locked, 429);
    const retryAfter = Number(locked.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(AUTH_FAILURE_WINDOW_SECONDS);
    expectProblem(await api.get('/me', { headers: { authorization: 'Basic abc' }, token: null }), 429);
    // Without TRUST_PROXY, X-Forwarded-For cannot pick another address to be counted under.
    expectProblem(await api.get('/me', { token: 'forged', headers: { 'x-forwarded-for': '198.51.100.9' } }), 429);
    // A valid token from the locked address is still served: the lock stops guesses, not the office
    // behind the same NAT; and a partner's token as well as the admin's.
    expect((await api.get('/me')).status).toBe(200);
    expect((await api.get('/me', { token: await issueToken(api, 'auditor') })).status).toBe(200);
    expectProblem(await api.get('/me', { token: 'still-guessing' }), 429);
    // Public routes stay open.
    expect((await api.get('/health/live')).status).toBe(200);

    await sleep(retryAfter * 1000 + 200);
    expect((await api.get('/me')).status).toBe(200);
    expectProblem(await api.get('/me', { token: 'a-new-window' }), 401);
  });

  it('counts malformed Authorization headers as failures too, and a missing one not', async () => {
    await sleep(AUTH_FAILURE_WINDOW_SECONDS * 1000 + 200);
    for (let i = 0; i < AUTH_FAILURE_LIMIT * 2; i++) expectProblem(await api.get('/me', { token: null }), 401);
    for (let i = 0; i < AUTH_FAILURE_LIMIT; i++) {
      expectProblem(await api.get('/me', { token: null, headers: { authorization: `Token ${i}` } }), 401);
    }
    expectProblem(await api.get('/me', { token: null, headers: { authorization: 'Token x' } }), 429);
    const partner = await sleep(AUTH_FAILURE_WINDOW_SECONDS * 1000 + 200).then(() => issueToken(api, 'auditor'));
    expect((await api.get('/me', { token: partner })).status).toBe(200);
  });
});

/** TRUST_PROXY names the proxy in front: its X-Forwarded-For is the client, counted per IPv4 address or IPv6 /64. */
describe('limits behind a trusted proxy', () => {
  let service: TestService;
  let api: Api;

  beforeAll(async () => {
    service = await startService({ AUTH_FAILURE_LIMIT: String(AUTH_FAILURE_LIMIT), AUTH_FAILURE_WINDOW_SECONDS: '60', TRUST_PROXY: '127.0.0.1/8' });
    api = new Api(service.baseUrl, service.adminToken);
  });
  afterAll(async () => {
    await service?.stop();
  });

  const guessFrom = (client: string, token = `guess-${client}`) =>
    api.get('/me', { token, headers: { 'x-forwarded-for': client } });

  it('counts failures per forwarded IPv4 address', async () => {
    for (let i = 0; i < AUTH_FAILURE_LIMIT; i++) expectProblem(await guessFrom('203.0.113.7'), 401);
    expectProblem(await guessFrom('203.0.113.7'), 429);
    expectProblem(await guessFrom('203.0.113.8'), 401);
    expect((await api.get('/me', { headers: { 'x-forwarded-for': '203.0.113.7' } })).status).toBe(200);
  });

  it('counts failures per IPv6 /64: a host cannot dodge the lock by changing its interface id', async () => {
    for (let i = 0; i < AUTH_FAILURE_LIMIT; i++) expectProblem(await guessFrom(`2001:db8:1:2::${i + 1}`), 401);
    expectProblem(await guessFrom('2001:db8:1:2:abcd::99'), 429);
    expectProblem(await guessFrom('2001:db8:1:3::1'), 401);
  });
});
