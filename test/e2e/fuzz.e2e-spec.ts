import { readFileSync } from 'node:fs';
import { count, inLanes, settled } from '../support/audit-log';
import { createShipment, seedParties } from '../support/builders';
import { Api, ApiResponse } from '../support/http';
import { expectProblem } from '../support/problems';
import { startService, TestService } from '../support/service';

/**
 * Hostile input, deterministic: a seeded PRNG generates requests to every route the service
 * documents in /docs-json. Every write is built so that the service must refuse it (each carries at
 * least one thing no route accepts), so nothing may be stored; reads may answer 2xx. Never a 5xx,
 * every error problem+json, the process alive and its memory flat.
 * FUZZ_ITERATIONS (default 2500) and FUZZ_SEED choose the run; a failure prints the seed and request.
 */
const ITERATIONS = Number(process.env.FUZZ_ITERATIONS ?? 2500);
const SEED = Number(process.env.FUZZ_SEED ?? 20200610);
const LANES = 4;
/**
 * RSS growth allowed over the measured requests. RSS follows V8's heap sizing, not only live data: on a
 * quiet machine it grows 45-75 MB over this run, with other suites running beside it up to 211 MB, and
 * it falls back later. So this catches a gross leak (a request body or a result kept per request, some
 * 200 KB each for the hostile bodies here), not a slow one.
 */
const RSS_GROWTH_LIMIT_KB = 300 * 1024;

/** mulberry32: small, seedable, good enough to pick inputs. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n: number) => Math.floor(next() * n),
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)],
    chance: (p: number) => next() < p,
    bytes: (n: number) => Buffer.from(Array.from({ length: n }, () => Math.floor(next() * 256))),
  };
}
type Rng = ReturnType<typeof prng>;

/** JSON text written as is (numbers no JS value can hold, escapes, nesting). */
class Raw {
  constructor(readonly text: string) {}
}

function toJson(value: unknown): string {
  if (value instanceof Raw) return value.text;
  if (Array.isArray(value)) return `[${value.map(toJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.entries(value)
      .map(([key, item]) => `${JSON.stringify(key)}:${toJson(item)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

const MB = 1024 * 1024;
const deepObject = (levels: number) => new Raw('{"a":'.repeat(levels) + '1' + '}'.repeat(levels));
const deepArray = (levels: number) => new Raw('['.repeat(levels) + ']'.repeat(levels));
const SQL = ["' OR 1=1 --", "'; DROP TABLE shipment; --", '" OR ""="', "1; SELECT pg_sleep(10)", "%' OR '%'='", '$1', "\\'; --"];

/** Values that are wrong for most fields, or that try to break the layers under them. */
function hostileValue(rng: Rng): unknown {
  return rng.pick<() => unknown>([
    () => new Raw('1e400'),
    () => new Raw('-1e400'),
    () => new Raw('99999999999999999999999.99999'),
    () => new Raw('0.0000000000000000000000000000001'),
    () => new Raw('-0'),
    () => new Raw('123456789012345678901234567890'),
    () => -1,
    () => 0,
    () => true,
    () => null,
    () => [],
    () => ({}),
    () => '',
    () => ' ',
    () => rng.pick(SQL),
    () => 'x'.repeat(MB),
    () => 'é'.repeat(rng.pick([201, 301, 501, 2001, 100_001])),
    () => new Raw('"\\u0000"'),
    () => new Raw('"\\ud800"'),
    () => new Raw('"\\udfff\\ud800"'),
    () => 'NaN',
    () => 'Infinity',
    () => '1e400',
    () => '0x10',
    () => '2020-02-30',
    () => '99999-12-31',
    () => '2020-06-10T25:61:61Z',
    () => '00000000-0000-0000-0000-000000000000',
    () => rng.pick(['__proto__', 'constructor', 'prototype']),
    () => ({ __proto__: { polluted: true } }),
    () => new Raw('{"__proto__":{"polluted":true}}'),
    () => new Raw('{"constructor":{"prototype":{"polluted":true}}}'),
    () => deepObject(rng.pick([33, 100, 10_000])),
    () => deepArray(rng.pick([33, 10_000])),
    () => Array.from({ length: rng.pick([1001, 5000]) }, () => ({ description: 'x' })),
    () => [rng.pick(SQL), null, 1],
    () => '<script>alert(1)</script>',
    () => '\u202e\ufeff\u200b',
    () => '../../../../etc/passwd',
  ])();
}

/** Object keys no request accepts: unknown fields, prototype pollution, SQL. */
const HOSTILE_KEYS = ['__proto__', 'constructor', 'prototype', "' OR 1=1 --", 'unknownField', '$where', 'toString', 'hasOwnProperty', ''];

interface OpenApi {
  paths: Record<string, Record<string, { parameters?: Array<{ name: string; in: string }>; requestBody?: any }>>;
  components?: { schemas?: Record<string, any> };
}

interface Operation {
  method: string;
  path: string;
  pathParams: string[];
  queryParams: string[];
  headerParams: string[];
  bodySchema?: any;
}

function operationsOf(doc: OpenApi): Operation[] {
  const operations: Operation[] = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, operation] of Object.entries(methods)) {
      if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
      const params = operation.parameters ?? [];
      operations.push({
        method: method.toUpperCase(),
        path,
        pathParams: params.filter((p) => p.in === 'path').map((p) => p.name),
        queryParams: params.filter((p) => p.in === 'query').map((p) => p.name),
        headerParams: params.filter((p) => p.in === 'header').map((p) => p.name),
        bodySchema: operation.requestBody?.content?.['application/json']?.schema,
      });
    }
  }
  return operations;
}

/** A plausible body from the OpenAPI schema: the shape a mutation starts from. */
function sampleOf(schema: any, doc: OpenApi, depth = 0): unknown {
  if (!schema || depth > 6) return 'x';
  if (schema.$ref) return sampleOf(doc.components?.schemas?.[schema.$ref.split('/').pop()], doc, depth + 1);
  if (schema.allOf) return Object.assign({}, ...schema.allOf.map((part: any) => sampleOf(part, doc, depth + 1)));
  if (schema.oneOf || schema.anyOf) return sampleOf((schema.oneOf ?? schema.anyOf)[0], doc, depth + 1);
  if (schema.enum) return schema.enum[0];
  switch (schema.type) {
    case 'object': {
      const body: Record<string, unknown> = {};
      for (const [key, property] of Object.entries(schema.properties ?? {})) body[key] = sampleOf(property, doc, depth + 1);
      return body;
    }
    case 'array':
      return [sampleOf(schema.items, doc, depth + 1)];
    case 'number':
    case 'integer':
      return 1;
    case 'boolean':
      return true;
    default:
      return schema.format === 'uuid' ? '3f1d9a52-7c4e-4d8a-9b1e-2a6f0c5d8e71' : 'x';
  }
}

/** Sets `value` at a random place inside `body` (a field, a nested field, an array element). */
function plant(rng: Rng, body: unknown, value: unknown): unknown {
  if (body === null || typeof body !== 'object' || body instanceof Raw || rng.chance(0.2)) return value;
  if (Array.isArray(body)) {
    if (body.length === 0) return [value];
    const copy = [...body];
    const index = rng.int(copy.length);
    copy[index] = plant(rng, copy[index], value);
    return copy;
  }
  const copy: Record<string, unknown> = { ...(body as Record<string, unknown>) };
  const keys = Object.keys(copy);
  if (keys.length === 0) return { [rng.pick(HOSTILE_KEYS)]: value };
  const key = rng.pick(keys);
  copy[key] = plant(rng, copy[key], value);
  return copy;
}

function hostileId(rng: Rng, real: string[]): string {
  return rng.pick<() => string>([
    () => '3f1d9a52-7c4e-4d8a-9b1e-2a6f0c5d8e71',
    () => rng.pick(real),
    () => encodeURIComponent(rng.pick(SQL)),
    () => '..%2F..%2Fetc%2Fpasswd',
    () => '%00',
    () => '%C3%28',
    () => '%FF%FE',
    () => '%ED%A0%80',
    () => 'x'.repeat(rng.pick([65, 1000, 6000])),
    () => rng.pick(['__proto__', 'constructor', 'prototype']),
    () => '1e400',
    () => '-1',
    () => '99999999999999999999',
    () => 'SHP-2020-000001',
    () => encodeURIComponent('SHP-2020-\u0000'),
    () => '%F0%9F%92%A9',
    () => encodeURIComponent(rng.pick(real)).toUpperCase(),
  ])();
}

function hostileQueryValue(rng: Rng, cursors: string[]): string {
  return rng.pick<() => string>([
    () => rng.pick(SQL),
    () => '',
    () => '1e400',
    () => '-1',
    () => '0',
    () => '201',
    () => '1.5',
    () => '99999999999999999999999.99999',
    () => 'abc',
    () => 'true',
    () => '2020-13-45',
    () => '2020-02-30T00:00:00Z',
    () => '99999-01-01',
    () => 'x'.repeat(rng.pick([201, 2000, 8000])),
    () => '\u0000',
    () => 'planned,' + rng.pick(SQL),
    () => ',,,,',
    () => rng.pick(['__proto__', 'constructor', 'prototype']),
    () => rng.bytes(rng.pick([8, 32, 200])).toString('base64'),
    () => rng.bytes(24).toString('base64url'),
    () => tamper(rng, rng.pick(cursors)),
    () => forgedCursor(rng),
    () => `${PERCENT_ENCODED}%ED%A0%80`, // a lone surrogate, as UTF-8 bytes
    () => `${PERCENT_ENCODED}%FF%FE%00`,
    () => 'é',
  ])();
}

/** Marks a query value already percent-encoded (bytes that encodeURIComponent cannot produce). */
const PERCENT_ENCODED = '\u0001raw:';
const encodeQueryValue = (value: string) =>
  value.startsWith(PERCENT_ENCODED) ? value.slice(PERCENT_ENCODED.length) : encodeURIComponent(value);

/** A real cursor with one character changed, cut, or extended. */
function tamper(rng: Rng, cursor: string): string {
  const at = rng.int(cursor.length);
  return rng.pick([
    cursor.slice(0, at) + rng.pick(['A', '_', '-', '=', '%', 'é']) + cursor.slice(at + 1),
    cursor.slice(0, at),
    cursor + rng.pick(['A', '==', 'AAAA']),
    cursor.split('').reverse().join(''),
  ]);
}

/** Cursors in the service's own format, with values that must not reach SQL. */
function forgedCursor(rng: Rng): string {
  const value = rng.pick<unknown>([
    "' OR 1=1 --",
    '2020-02-30T00:00:00Z',
    '2020-06-10T00:00:00.000Z\u0000',
    '9'.repeat(400),
    '-1',
    null,
    { $gt: '' },
    ['a'],
    '1e400',
  ]);
  const id = rng.pick<unknown>(['3f1d9a52-7c4e-4d8a-9b1e-2a6f0c5d8e71', "' OR 1=1 --", null, 42, 'x'.repeat(100)]);
  const sort = rng.pick<unknown>(['-createdAt', 'createdAt', 'updatedAt', 'seq', "' OR 1=1 --", null]);
  return Buffer.from(JSON.stringify({ s: sort, v: value, i: id }), 'utf8').toString('base64url');
}

const BAD_AUTHORIZATION = [
  'Bearer',
  'Bearer ',
  'Bearer  x',
  'bearer x',
  'Basic YWRtaW46YWRtaW4=',
  `Bearer ${'A'.repeat(600)}`,
  `Bearer ${'A'.repeat(8000)}`,
  "Bearer ' OR 1=1 --",
  'Bearer \u00e9\u00e9\u00e9',
  'Bearer null',
  'Bearer undefined',
  'Token abc',
  'Bearer a b',
];

const ODD_CONTENT_TYPES = [
  'text/plain',
  'application/xml',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=xyz',
  'application/json; charset=utf-16',
  'application/json; charset=latin1',
  'application/JSON',
  'application/json-patch+json',
  'application/problem+json',
  '*/*',
  'image/png',
  'text/csv',
  ';;;',
  'application/json, text/plain',
];

interface FuzzRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: Buffer;
  /** Writes must be refused; reads may succeed. */
  mustRefuse: boolean;
}

function describeRequest(request: FuzzRequest): string {
  const body = request.body ? ` body(${request.body.length} B): ${request.body.subarray(0, 200).toString('latin1')}` : '';
  const headers = Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k, v.slice(0, 80)]));
  return `${request.method} ${request.url.slice(0, 300)} ${JSON.stringify(headers)}${body}`;
}

describe('hostile input (seeded fuzz of every documented route)', () => {
  let service: TestService;
  let api: Api;

  beforeAll(async () => {
    // A fifth of the requests carry bad tokens: the failed-authentication lockout (limits.e2e-spec.ts)
    // would otherwise answer 429 to everything after the first few dozen and hide the routes behind it.
    service = await startService({ AUTH_FAILURE_LIMIT: '1000000' });
    api = new Api(service.baseUrl, service.adminToken);
  });
  afterAll(async () => {
    await service?.stop();
  });

  it(`never answers 5xx, always problem+json, stores nothing refused, keeps memory flat (seed ${SEED}, ${ITERATIONS} requests)`, async () => {
    const rng = prng(SEED);
    const { donor, recipient } = await seedParties(api);
    const shipments = await Promise.all([1, 2, 3].map(() => createShipment(api, donor.id, recipient.id)));
    const realIds = [donor.id, recipient.id, ...shipments.map((s: { id: string }) => s.id), shipments[0].reference as string];
    const cursors = [
      (await api.get('/shipments?limit=1')).body.nextCursor,
      (await api.get('/organizations?limit=1')).body.nextCursor,
      (await api.get('/audit?limit=1')).body.nextCursor,
    ].filter((cursor): cursor is string => typeof cursor === 'string');
    expect(cursors.length).toBeGreaterThan(0);

    const docs = await api.get('/docs-json');
    expect(docs.status).toBe(200);
    const doc = docs.body as OpenApi;
    const operations = operationsOf(doc);
    expect(operations.length).toBeGreaterThan(10);

    await settled(api, service.db);
    const tables: string[] = (
      await service.db.query(`SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'schema_migration' ORDER BY 1`)
    ).rows.map((row: { tablename: string }) => row.tablename);
    const rowCounts = async () => {
      const counts: Record<string, number> = {};
      for (const table of tables) counts[table] = await count(service.db, `SELECT count(*) FROM "${table}"`);
      return counts;
    };
    const before = await rowCounts();
    const rssKb = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${service.process.pid}/status`, 'utf8'))![1]);

    const generate = (index: number): FuzzRequest => {
      const operation = operations[index % operations.length];
      const write = operation.method !== 'GET';
      let path = operation.path;
      for (const name of operation.pathParams) path = path.replace(`{${name}}`, hostileId(rng, realIds));
      const query: string[] = [];
      for (const name of operation.queryParams) {
        if (rng.chance(0.5)) query.push(`${encodeURIComponent(name)}=${encodeQueryValue(hostileQueryValue(rng, cursors))}`);
      }
      if (rng.chance(0.15)) {
        const name = operation.queryParams.length ? rng.pick(operation.queryParams) : 'limit';
        query.push(`${name}=a`, `${name}=b`); // repeated: an array where a string is expected
      }
      if (rng.chance(0.1)) query.push(`${encodeURIComponent(rng.pick(HOSTILE_KEYS))}=1`);
      if (rng.chance(0.05)) query.push(`pad=${'q'.repeat(rng.pick([4_000, 12_000, 40_000]))}`);
      if (rng.chance(0.05)) query.push('%FF%FE=%C3%28', 'a[b][c]=1', 'a[__proto__][x]=1');
      const url = `${service.baseUrl}${path}${query.length ? `?${query.join('&')}` : ''}`;

      const headers: Record<string, string> = {};
      const auth = rng.next();
      if (auth < 0.75) headers.authorization = `Bearer ${service.adminToken}`;
      else if (auth < 0.95) headers.authorization = rng.pick(BAD_AUTHORIZATION);
      if (rng.chance(0.2)) {
        headers['idempotency-key'] = rng.pick(['', ' ', 'x'.repeat(256), 'x'.repeat(5000), 'é', "' OR 1=1 --", 'fuzz-key-1', 'a b', '\t']);
      }
      if (operation.method === 'PATCH' || rng.chance(0.05)) {
        headers['if-match'] = rng.pick(['"1"', '1', 'W/"1"', '*', '"abc"', '"-1"', '"99999999999999999999"', '"1e400"', '""', '"1", "2"', "' OR 1=1 --"]);
      }
      if (rng.chance(0.05)) headers['x-request-id'] = rng.pick(['x'.repeat(5000), "' OR 1=1 --", '\u00e9', '']);

      let body: Buffer | undefined;
      if (write) {
        // Always refusable: an unknown or hostile key at the top, plus up to three hostile values inside.
        let value: unknown = sampleOf(operation.bodySchema ?? { type: 'object' }, doc);
        if (value === null || typeof value !== 'object' || Array.isArray(value)) value = {};
        value = { ...(value as object), [rng.pick(HOSTILE_KEYS)]: hostileValue(rng) };
        for (let i = rng.int(4); i > 0; i--) value = plant(rng, value, hostileValue(rng));
        let text = toJson(value);
        const shape = rng.next();
        if (shape < 0.05) text = text.slice(0, rng.int(text.length));
        else if (shape < 0.08) text = `${text}}`;
        else if (shape < 0.1) text = '';
        else if (shape < 0.12) text = toJson(deepObject(10_000));
        body = Buffer.from(text, 'utf8');
        if (rng.chance(0.08)) {
          // Invalid UTF-8 bytes (lone continuation, overlong, truncated sequences) inside the document.
          const at = Math.max(1, rng.int(body.length));
          body = Buffer.concat([body.subarray(0, at), rng.pick([Buffer.from([0xff]), Buffer.from([0xc0, 0xaf]), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from([0xe2, 0x82])]), body.subarray(at)]);
        }
        if (rng.chance(0.85)) headers['content-type'] = 'application/json';
        else if (rng.chance(0.9)) headers['content-type'] = rng.pick(ODD_CONTENT_TYPES);
      }
      return { method: rng.chance(0.02) ? rng.pick(['PUT', 'OPTIONS']) : operation.method, url, headers, body, mustRefuse: write };
    };

    const failures: string[] = [];
    const statuses = new Map<number, number>();
    const send = async (request: FuzzRequest) => {
      let response: Response;
      try {
        response = await fetch(request.url, {
          method: request.method,
          headers: request.headers,
          body: request.body,
          signal: AbortSignal.timeout(30_000),
        });
      } catch (error) {
        failures.push(`no answer (${(error as Error).message}): ${describeRequest(request)}`);
        return;
      }
      const text = await response.text();
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
      if (response.status >= 500) {
        failures.push(`${response.status} ${text.slice(0, 200)}: ${describeRequest(request)}`);
        return;
      }
      if (request.mustRefuse && response.status < 400 && request.method !== 'OPTIONS') {
        failures.push(`accepted a write that carried a hostile key: ${response.status}: ${describeRequest(request)}`);
        return;
      }
      if (response.status >= 400) {
        let parsed: unknown = text;
        try {
          parsed = JSON.parse(text);
        } catch {
          // reported by expectProblem below
        }
        try {
          expectProblem({ status: response.status, headers: response.headers, body: parsed, text } as ApiResponse, response.status);
        } catch (error) {
          const why = (error as Error).message.split('\n').find((l) => /Expected|Received/.test(l)) ?? '';
          failures.push(`not problem+json (${why.trim()}): ${response.status} ${response.headers.get('content-type')} ${text.slice(0, 160)}: ${describeRequest(request)}`);
        }
      }
    };

    // The first 1,000 requests let the heap grow towards its working size; growth is measured over the rest.
    const warmup = Math.min(1000, Math.floor(ITERATIONS / 2));
    const requests = Array.from({ length: ITERATIONS }, (_, i) => generate(i));
    await inLanes(requests.slice(0, warmup).map((request) => () => send(request)), LANES);
    const rssStart = rssKb();
    await inLanes(requests.slice(warmup).map((request) => () => send(request)), LANES);

    expect({ seed: SEED, failures: failures.slice(0, 20), total: failures.length }).toEqual({ seed: SEED, failures: [], total: 0 });
    expect(service.process.exitCode).toBeNull();
    expect((await api.get('/health/ready')).status).toBe(200);
    expect(await rowCounts()).toEqual(before);
    expect({ rssStartKb: rssStart, rssEndKb: rssKb(), grewLessThan: rssKb() < rssStart + RSS_GROWTH_LIMIT_KB }).toMatchObject({ grewLessThan: true });
    // The run really exercised the refusals, not one status for everything.
    expect([...statuses.keys()].filter((status) => status >= 400).length).toBeGreaterThanOrEqual(4);
  }, 300_000);
});
