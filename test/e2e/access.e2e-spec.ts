import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { countRows, createOrganization, issueToken } from '../support/builders';
import { Api, ApiResponse } from '../support/http';
import { expectFieldError, expectProblem } from '../support/problems';
import { startService, TestService } from '../support/service';

/**
 * docs/api.md, "Conventions" (the parts every route shares) and "Access: tokens, roles and scope", over
 * HTTP against the compiled service on its own database.
 */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
/** What a token may show of itself: never the secret, never its hash. */
const TOKEN_VIEW_FIELDS = ['id', 'name', 'role', 'organizationId', 'expiresAt', 'revokedAt', 'createdAt'];
const unique = () => randomBytes(4).toString('hex');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest();

describe('access: bearer tokens and roles', () => {
  let service: TestService;
  let admin: Api;
  let anonymous: Api;

  beforeAll(async () => {
    service = await startService();
    admin = new Api(service.baseUrl, service.adminToken);
    anonymous = admin.as(null);
  });
  afterAll(() => service?.stop());

  /** Runs `refused` and checks that it left no token, organization or audit entry behind. */
  async function expectNothingStored(refused: () => Promise<void>) {
    const before = await rowCounts();
    await refused();
    expect(await rowCounts()).toEqual(before);
  }

  async function rowCounts() {
    const counts: Record<string, number> = {};
    for (const table of ['access_token', 'organization', 'audit_entry', 'idempotency_record']) {
      counts[table] = await countRows(service.db, table);
    }
    return counts;
  }

  async function createToken(body: Record<string, unknown>) {
    const response = await admin.post('/tokens', body);
    expect(response.status).toBe(201);
    return response.body as Record<string, any> & { id: string; token: string };
  }

  async function auditEntries(entityId: string) {
    const { rows } = await service.db.query(
      `SELECT action, entity_type, actor, request_id, content::json->'before' AS before, content::json->'after' AS after FROM audit_entry WHERE entity_id = $1 ORDER BY recorded_at`,
      [entityId],
    );
    return rows;
  }

  describe('conventions shared by every route', () => {
    it('serves the API under /api/v1 and health outside it, without a token', async () => {
      const me = await admin.get('/me');
      expect(me.status).toBe(200);
      expect(me.headers.get('content-type')).toMatch(/^application\/json\b/);
      const outside = await fetch(`${service.baseUrl}/me`, {
        headers: { authorization: `Bearer ${service.adminToken}` },
      });
      // Outside /api/v1 the path is the web app's (its page for client-side routes), never the API.
      expect(outside.headers.get('content-type')).not.toMatch(/json/);
      expect(await outside.text()).not.toContain('"tokenId"');
      const live = await anonymous.get('/health/live');
      expect(live.status).toBe(200);
      const ready = await anonymous.get('/health/ready');
      expect(ready.status).toBe(200);
    });

    it('echoes the X-Request-Id a client sends, in the header, in problems and in the audit entry', async () => {
      const requestId = `e2e-${unique()}`;
      const me = await admin.get('/me', { headers: { 'x-request-id': requestId } });
      expect(me.headers.get('x-request-id')).toBe(requestId);

      const refused = await anonymous.get('/me', { headers: { 'x-request-id': requestId } });
      expectProblem(refused, 401);
      expect(refused.body.requestId).toBe(requestId);

      const created = await admin.post(
        '/tokens',
        { name: `traced ${unique()}`, role: 'auditor' },
        { headers: { 'x-request-id': requestId } },
      );
      expect(created.status).toBe(201);
      expect(created.headers.get('x-request-id')).toBe(requestId);
      const [entry] = await auditEntries(created.body.id);
      expect(entry.request_id).toBe(requestId);
    });

    it('generates an X-Request-Id when the client sends none, on every response', async () => {
      const responses = [
        await admin.get('/me'),
        await admin.get('/me'),
        await anonymous.get('/me'),
        await anonymous.get('/health/live'),
        await admin.get('/no-such-route'),
      ];
      const ids = responses.map((response) => response.headers.get('x-request-id'));
      for (const id of ids) expect(id).toMatch(/^\S{8,}$/);
      expect(new Set(ids).size).toBe(ids.length);
      expect(responses[2].body.requestId).toBe(ids[2]);
      expectProblem(responses[4], 404);
    });

    it('describes the access routes in the OpenAPI document, behind bearer authentication', async () => {
      const response = await anonymous.get('/docs-json');
      expect(response.status).toBe(200);
      const { paths, components } = response.body;
      expect(Object.keys(paths['/api/v1/tokens'])).toEqual(expect.arrayContaining(['get', 'post']));
      expect(Object.keys(paths['/api/v1/tokens/{id}'])).toEqual(expect.arrayContaining(['delete']));
      expect(Object.keys(paths['/api/v1/me'])).toEqual(expect.arrayContaining(['get']));
      expect(Object.values(components.securitySchemes)).toContainEqual(
        expect.objectContaining({ type: 'http', scheme: 'bearer' }),
      );
      expect(
        paths['/api/v1/tokens'].get.parameters.map((parameter: { name: string }) => parameter.name),
      ).toEqual(expect.arrayContaining(['limit', 'cursor']));
    });

    it('answers a body that is not JSON with a 400 problem and stores nothing', async () => {
      await expectNothingStored(async () => {
        const response = await admin.post('/tokens', undefined, { rawBody: '{"name": "broken", "role": ' });
        expectProblem(response, 400);
      });
    });
  });

  describe('authentication', () => {
    const malformed: Array<[string, Record<string, string>]> = [
      ['no Authorization header', {}],
      ['a Basic credential', { authorization: 'Basic x' }],
      ['"Bearer" with nothing after it', { authorization: 'Bearer' }],
      ['"Bearer" with two words', { authorization: 'Bearer one two' }],
      ['an unknown token', { authorization: `Bearer aidt_${randomBytes(32).toString('base64url')}` }],
    ];

    it.each(malformed)('refuses %s with 401 problem+json', async (_, headers) => {
      const response = await anonymous.get('/me', { headers });
      expectProblem(response, 401);
      expect(response.headers.get('www-authenticate')).toMatch(/^Bearer\b/);
    });

    it.each(malformed)('refuses a change with %s and stores nothing', async (_, headers) => {
      await expectNothingStored(async () => {
        const organization = await anonymous.post(
          '/organizations',
          { name: `Unauthenticated ${unique()}`, type: 'ngo' },
          { headers },
        );
        expectProblem(organization, 401);
        const token = await anonymous.post('/tokens', { name: 'sneaky', role: 'admin' }, { headers });
        expectProblem(token, 401);
      });
    });

    it('refuses a token once its expiresAt has passed', async () => {
      const expiresAt = new Date(Date.now() + 2000);
      const created = await createToken({
        name: `short-lived ${unique()}`,
        role: 'auditor',
        expiresAt: expiresAt.toISOString(),
      });
      expect(new Date(created.expiresAt).getTime()).toBe(expiresAt.getTime());
      const live = await anonymous.get('/me', { token: created.token });
      expect(live.status).toBe(200);
      expect(live.body.tokenId).toBe(created.id);

      await sleep(expiresAt.getTime() - Date.now() + 200);
      const expired = await anonymous.get('/me', { token: created.token });
      expectProblem(expired, 401);
      const organizations = await anonymous.get('/organizations', { token: created.token });
      expectProblem(organizations, 401);
    });

    it('refuses a revoked token; revoking twice is fine and audits once', async () => {
      const created = await createToken({ name: `to revoke ${unique()}`, role: 'coordinator' });
      expect((await anonymous.get('/me', { token: created.token })).status).toBe(200);

      const revoked = await admin.delete(`/tokens/${created.id}`);
      expect(revoked.status).toBe(204);
      expect(revoked.text).toBe('');
      expectProblem(await anonymous.get('/me', { token: created.token }), 401);
      const organization = await anonymous.post(
        '/organizations',
        { name: `After revocation ${unique()}`, type: 'ngo' },
        { token: created.token },
      );
      expectProblem(organization, 401);

      const again = await admin.delete(`/tokens/${created.id}`);
      expect(again.status).toBe(204);
      expectProblem(await anonymous.get('/me', { token: created.token }), 401);

      const entries = await auditEntries(created.id);
      expect(entries.map((entry) => entry.action)).toEqual(['token.created', 'token.revoked']);
      expect(entries[1].before.revokedAt).toBeNull();
      expect(entries[1].after.revokedAt).toMatch(ISO_UTC);

      const listed = await listAllTokens();
      expect(listed.find((token) => token.id === created.id)?.revokedAt).toBe(entries[1].after.revokedAt);
    });

    it('answers revoking an unknown token with 404 and stores nothing', async () => {
      await expectNothingStored(async () => {
        expectProblem(await admin.delete(`/tokens/${randomUUID()}`), 404);
      });
    });
  });

  describe('roles', () => {
    let organizationId: string;
    let tokens: Record<'admin' | 'coordinator' | 'auditor' | 'partner', Api>;

    beforeAll(async () => {
      organizationId = (await createOrganization(admin, { name: `Role test partner ${unique()}` })).id;
      tokens = {
        admin,
        coordinator: admin.as(await issueToken(admin, 'coordinator')),
        auditor: admin.as(await issueToken(admin, 'auditor')),
        partner: admin.as(await issueToken(admin, 'partner', organizationId)),
      };
    });

    type Role = keyof typeof tokens;
    interface Route {
      name: string;
      allowed: Role[];
      /** Whether a refusal must also leave the database as it was. */
      changes: boolean;
      /** Prepares what the call acts on, as the admin, before the call is watched. */
      setUp?(): Promise<any>;
      call(api: Api, target: any): Promise<ApiResponse>;
      /** What an allowed caller gets. */
      expectAllowed(response: ApiResponse, target: any): Promise<void> | void;
      /** What must still hold after a refusal. */
      expectRefused?(target: any): Promise<void>;
    }

    const routes: Route[] = [
      {
        name: 'GET /me',
        allowed: ['admin', 'coordinator', 'auditor', 'partner'],
        changes: false,
        call: (api) => api.get('/me'),
        expectAllowed: (response) => {
          expect(response.status).toBe(200);
          expect(response.body.tokenId).toMatch(UUID);
        },
      },
      {
        name: 'POST /tokens',
        allowed: ['admin'],
        changes: true,
        call: (api) => api.post('/tokens', { name: `issued ${unique()}`, role: 'admin' }),
        expectAllowed: (response) => {
          expect(response.status).toBe(201);
          expect(response.body).toMatchObject({ role: 'admin', token: expect.any(String) });
        },
      },
      {
        name: 'GET /tokens',
        allowed: ['admin'],
        changes: false,
        call: (api) => api.get('/tokens'),
        expectAllowed: (response) => {
          expect(response.status).toBe(200);
          expect(response.body.data.length).toBeGreaterThan(0);
        },
      },
      {
        name: 'DELETE /tokens/:id',
        allowed: ['admin'],
        changes: true,
        setUp: () => createToken({ name: `victim ${unique()}`, role: 'auditor' }),
        call: (api, victim) => api.delete(`/tokens/${victim.id}`),
        expectAllowed: async (response, victim) => {
          expect(response.status).toBe(204);
          expectProblem(await anonymous.get('/me', { token: victim.token }), 401);
        },
        expectRefused: async (victim) => {
          expect((await anonymous.get('/me', { token: victim.token })).status).toBe(200);
        },
      },
      {
        name: 'POST /organizations',
        allowed: ['admin', 'coordinator'],
        changes: true,
        call: (api) => api.post('/organizations', { name: `Created by role ${unique()}`, type: 'ngo' }),
        expectAllowed: async (response) => {
          expect(response.status).toBe(201);
          expect((await admin.get(`/organizations/${response.body.id}`)).body).toEqual(response.body);
        },
      },
      {
        name: 'GET /organizations',
        allowed: ['admin', 'coordinator', 'auditor'],
        changes: false,
        call: (api) => api.get('/organizations?limit=200'),
        expectAllowed: (response) => {
          expect(response.status).toBe(200);
          expect(response.body.data.map((organization: { id: string }) => organization.id)).toContain(
            organizationId,
          );
        },
      },
      {
        name: 'GET /organizations/:id',
        allowed: ['admin', 'coordinator', 'auditor'],
        changes: false,
        call: (api) => api.get(`/organizations/${organizationId}`),
        expectAllowed: (response) => {
          expect(response.status).toBe(200);
          expect(response.body.id).toBe(organizationId);
        },
      },
      {
        name: 'PATCH /organizations/:id',
        allowed: ['admin', 'coordinator'],
        changes: true,
        setUp: async () => (await admin.get(`/organizations/${organizationId}`)).body,
        call: (api) => api.patch(`/organizations/${organizationId}`, { iatiIdentifier: `XM-${unique()}` }),
        expectAllowed: async (response, before) => {
          expect(response.status).toBe(200);
          expect(response.body.iatiIdentifier).not.toBe(before.iatiIdentifier);
          expect((await admin.get(`/organizations/${organizationId}`)).body).toEqual(response.body);
        },
        expectRefused: async (before) => {
          expect((await admin.get(`/organizations/${organizationId}`)).body).toEqual(before);
        },
      },
    ];

    const cases = (['admin', 'coordinator', 'auditor', 'partner'] as const).flatMap((role) =>
      routes.map(
        (route) => [role, route.allowed.includes(role) ? 'may' : 'may not', route.name, route] as const,
      ),
    );

    it.each(cases)('%s %s call %s', async (role, _, __, route) => {
      const api = tokens[role];
      const target = await route.setUp?.();
      if (route.allowed.includes(role)) {
        await route.expectAllowed(await route.call(api, target), target);
        return;
      }
      const refuse = async () => expectProblem(await route.call(api, target), 403);
      if (route.changes) await expectNothingStored(refuse);
      else await refuse();
      await route.expectRefused?.(target);
    });

    it('checks the token before the role: a bad token on an admin route is 401, not 403', async () => {
      expectProblem(await anonymous.get('/tokens', { token: 'aidt_not-a-real-token' }), 401);
    });
  });

  describe('POST /tokens', () => {
    it('returns the secret once with the token fields, and the secret works for GET /me', async () => {
      const name = `Ministry of Health of Ukraine, logistics desk ${unique()}`;
      const response = await admin.post('/tokens', { name, role: 'coordinator' });
      expect(response.status).toBe(201);
      expect(response.headers.get('content-type')).toMatch(/^application\/json\b/);
      const { token, ...view } = response.body;
      expect(view).toEqual({
        id: expect.stringMatching(UUID),
        name,
        role: 'coordinator',
        organizationId: null,
        expiresAt: null,
        createdAt: expect.stringMatching(ISO_UTC),
        ...(view.revokedAt === undefined ? {} : { revokedAt: null }),
      });
      expect(Math.abs(new Date(view.createdAt).getTime() - Date.now())).toBeLessThan(60_000);
      expect(token).toEqual(expect.any(String));
      expect(token.length).toBeGreaterThanOrEqual(32);

      const me = await anonymous.get('/me', { token });
      expect(me.status).toBe(200);
      expect(me.body).toEqual({ tokenId: view.id, name, role: 'coordinator', organizationId: null });

      const other = await createToken({ name, role: 'coordinator' });
      expect(other.token).not.toBe(token);
      expect(other.id).not.toBe(view.id);
    });

    it('writes one token.created audit entry with the token as served, less the secret', async () => {
      const created = await createToken({ name: `audited ${unique()}`, role: 'auditor' });
      const me = (await admin.get('/me')).body;
      const entries = await auditEntries(created.id);
      expect(entries).toHaveLength(1);
      const { token, ...view } = created;
      expect(entries[0]).toMatchObject({
        action: 'token.created',
        entity_type: 'token',
        before: null,
        after: view,
        actor: me,
      });
      expect(JSON.stringify(entries[0])).not.toContain(token);
    });

    it('stores the secret only as a hash', async () => {
      const created = await createToken({ name: `hashed ${unique()}`, role: 'admin' });
      const secretHex = Buffer.from(created.token, 'utf8').toString('hex');
      const { rows } = await service.db.query('SELECT * FROM access_token WHERE id = $1', [created.id]);
      expect(rows).toHaveLength(1);
      for (const value of Object.values(rows[0])) {
        const text = Buffer.isBuffer(value)
          ? `${value.toString('hex')} ${value.toString('latin1')}`
          : String(value);
        expect(text).not.toContain(created.token);
        expect(text).not.toContain(secretHex);
      }
      expect((await anonymous.get('/me', { token: created.token })).body.tokenId).toBe(created.id);
      await expectSecretNowhereInDatabase(created.token);
    });

    it('keeps the secret out of the database even when the request carries an Idempotency-Key', async () => {
      // A stored response to replay would hold the secret, so POST /tokens does not replay.
      const key = `token-${unique()}`;
      const body = { name: `idempotent ${unique()}`, role: 'auditor' };
      const first = await admin.post('/tokens', body, { headers: { 'idempotency-key': key } });
      expect(first.status).toBe(201);
      const again = await admin.post('/tokens', body, { headers: { 'idempotency-key': key } });
      expect(again.text).not.toContain(first.body.token);
      await expectSecretNowhereInDatabase(first.body.token);
    });

    it('issues partner tokens bound to an organization', async () => {
      const organization = await createOrganization(admin);
      const created = await createToken({
        name: `partner ${unique()}`,
        role: 'partner',
        organizationId: organization.id,
      });
      expect(created.organizationId).toBe(organization.id);
      const me = await anonymous.get('/me', { token: created.token });
      expect(me.body).toEqual({
        tokenId: created.id,
        name: created.name,
        role: 'partner',
        organizationId: organization.id,
      });
    });

    it('issues a coordinator token scoped to an organization', async () => {
      const organization = await createOrganization(admin);
      const created = await createToken({
        name: `scoped ${unique()}`,
        role: 'coordinator',
        organizationId: organization.id,
      });
      const me = await anonymous.get('/me', { token: created.token });
      expect(me.body).toEqual({
        tokenId: created.id,
        name: created.name,
        role: 'coordinator',
        organizationId: organization.id,
      });
    });

    it('answers a partner token without organizationId with a 400 naming organizationId', async () => {
      await expectNothingStored(async () => {
        expectFieldError(
          await admin.post('/tokens', { name: `partner ${unique()}`, role: 'partner' }),
          'organizationId',
        );
      });
    });

    it('answers an organizationId that does not exist with a 422 and stores nothing', async () => {
      await expectNothingStored(async () => {
        const response = await admin.post('/tokens', {
          name: `partner ${unique()}`,
          role: 'partner',
          organizationId: randomUUID(),
        });
        expectProblem(response, 422);
        expect(response.text).toContain('organizationId');
      });
    });

    it('answers an expiresAt in the past with a 400 naming expiresAt', async () => {
      await expectNothingStored(async () => {
        const expiresAt = new Date(Date.now() - 60_000).toISOString();
        expectFieldError(
          await admin.post('/tokens', { name: `stale ${unique()}`, role: 'auditor', expiresAt }),
          'expiresAt',
        );
      });
    });

    it.each([
      ['an unknown field', { name: 'x', role: 'auditor', secret: 'chosen-by-me' }, 'secret'],
      ['an unknown role', { name: 'x', role: 'superuser' }, 'role'],
      ['no role', { name: 'x' }, 'role'],
      ['no name', { role: 'auditor' }, 'name'],
      ['an empty name', { name: '', role: 'auditor' }, 'name'],
      [
        'an expiresAt that is not a timestamp',
        { name: 'x', role: 'auditor', expiresAt: 'tomorrow' },
        'expiresAt',
      ],
      [
        'an organizationId that is not a UUID',
        { name: 'x', role: 'partner', organizationId: '42' },
        'organizationId',
      ],
    ])('answers %s with a 400 naming the field, storing nothing', async (_, body, path) => {
      await expectNothingStored(async () => {
        expectFieldError(await admin.post('/tokens', body), path);
      });
    });
  });

  describe('GET /tokens', () => {
    it('lists tokens without any secret or hash', async () => {
      const created = await createToken({ name: `listed ${unique()}`, role: 'auditor' });
      const response = await admin.get('/tokens?limit=200');
      expect(response.status).toBe(200);
      expect(Object.keys(response.body).sort()).toEqual(['data', 'nextCursor']);
      const listed = await listAllTokens();
      const mine = listed.find((token) => token.id === created.id);
      const { token: secret, ...view } = created;
      expect(mine).toEqual({ ...view, revokedAt: null });
      for (const token of listed) {
        for (const key of Object.keys(token)) expect(TOKEN_VIEW_FIELDS).toContain(key);
        for (const value of Object.values(token)) {
          expect(value).not.toBe(secret);
          expect(value).not.toBe(service.adminToken);
        }
      }
      const text = JSON.stringify(listed);
      for (const forbidden of [
        secret,
        service.adminToken,
        sha256(secret).toString('hex'),
        sha256(secret).toString('base64'),
      ]) {
        expect(text).not.toContain(forbidden);
      }
    });

    it('pages with limit and cursor, every token once', async () => {
      for (let i = 0; i < 5; i++) await createToken({ name: `paged ${i} ${unique()}`, role: 'auditor' });
      const walked = await listAllTokens(2);
      const ids = walked.map((token) => token.id);
      expect(new Set(ids).size).toBe(ids.length);
      const { rows } = await service.db.query('SELECT id FROM access_token');
      expect([...ids].sort()).toEqual(rows.map((row) => row.id).sort());
    });

    it.each([
      ['limit=0', 'limit'],
      ['limit=201', 'limit'],
      ['limit=abc', 'limit'],
      ['cursor=garbage', 'cursor'],
      [
        `cursor=${Buffer.from(`{"s":"tokens","v":"not a time","i":"${randomUUID()}"}`).toString('base64url')}`,
        'cursor',
      ],
      [
        `cursor=${Buffer.from('{"s":"organizations","v":"a","i":"00000000-0000-0000-0000-000000000000"}').toString('base64url')}`,
        'cursor',
      ],
    ])('answers ?%s with a 400 naming %s', async (query, path) => {
      expectFieldError(await admin.get(`/tokens?${query}`), path);
    });
  });

  describe('GET /me', () => {
    it('returns exactly tokenId, name, role and organizationId', async () => {
      const organization = await createOrganization(admin);
      const created = await createToken({
        name: `me ${unique()}`,
        role: 'partner',
        organizationId: organization.id,
      });
      const me = await anonymous.get('/me', { token: created.token });
      expect(me.status).toBe(200);
      expect(me.body).toStrictEqual({
        tokenId: created.id,
        name: created.name,
        role: 'partner',
        organizationId: organization.id,
      });
    });
  });

  describe('ADMIN_TOKEN', () => {
    it('makes the configured secret an admin token, stored as its hash', async () => {
      const me = await admin.get('/me');
      expect(me.status).toBe(200);
      expect(me.body).toEqual({
        tokenId: expect.stringMatching(UUID),
        name: expect.any(String),
        role: 'admin',
        organizationId: null,
      });
      const { rows } = await service.db.query('SELECT id, role, revoked_at FROM access_token WHERE id = $1', [
        me.body.tokenId,
      ]);
      expect(rows).toEqual([{ id: me.body.tokenId, role: 'admin', revoked_at: null }]);
      await expectSecretNowhereInDatabase(service.adminToken);
    });

    it('exists after every start-up, but a revoked one stays revoked across restarts, and start-up says so', async () => {
      const secret = `e2e-bootstrap-${randomBytes(16).toString('hex')}`;
      const bootstrapped = admin.as(secret);
      expectProblem(await bootstrapped.get('/me'), 401);

      const first = await service.startSibling({ ADMIN_TOKEN: secret });
      const me = await bootstrapped.get('/me');
      expect(me.body).toMatchObject({ role: 'admin', organizationId: null });
      expect(
        (await bootstrapped.post('/tokens', { name: `by bootstrap ${unique()}`, role: 'auditor' })).status,
      ).toBe(201);

      expect((await admin.delete(`/tokens/${me.body.tokenId}`)).status).toBe(204);
      expectProblem(await bootstrapped.get('/me'), 401);
      await first.stop();

      const restarted = await service.startSibling({ ADMIN_TOKEN: secret, LOG_LEVEL: 'info' });
      expectProblem(await bootstrapped.get('/me'), 401);
      const lines = restarted.output().split('\n').filter((line) => line.includes('ADMIN_TOKEN'));
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/revoked token, which stays so/);
      expect(lines[0]).not.toContain(secret);
      const { rows } = await service.db.query('SELECT revoked_at FROM access_token WHERE id = $1', [me.body.tokenId]);
      expect(rows[0].revoked_at).not.toBeNull();
      await restarted.stop();
    });
  });

  /** Every token, walking the pages. */
  async function listAllTokens(limit = 200): Promise<Array<Record<string, any>>> {
    const tokens: Array<Record<string, any>> = [];
    let cursor: string | null = null;
    for (let page = 0; page < 500; page++) {
      const query: URLSearchParams = new URLSearchParams({
        limit: String(limit),
        ...(cursor ? { cursor } : {}),
      });
      const response: ApiResponse = await admin.get(`/tokens?${query}`);
      expect(response.status).toBe(200);
      expect(response.body.data.length).toBeLessThanOrEqual(limit);
      tokens.push(...response.body.data);
      cursor = response.body.nextCursor;
      if (cursor === null) return tokens;
      expect(response.body.data).toHaveLength(limit);
    }
    throw new Error('the token list does not end');
  }

  /** The secret appears in no row of any table, neither as text nor as the bytes of its text. */
  async function expectSecretNowhereInDatabase(secret: string) {
    const secretHex = Buffer.from(secret, 'utf8').toString('hex');
    const { rows: tables } = await service.db.query(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`,
    );
    expect(tables.map((table) => table.table_name)).toEqual(
      expect.arrayContaining(['access_token', 'audit_entry', 'idempotency_record']),
    );
    const probe = new Client({ connectionString: service.databaseUrl });
    await probe.connect();
    try {
      for (const { table_name: table } of tables) {
        const { rows } = await probe.query(
          `SELECT count(*)::int AS count FROM "${table}" t WHERE position($1 in t::text) > 0 OR position($2 in t::text) > 0`,
          [secret, secretHex],
        );
        expect({ table, rows: rows[0].count }).toEqual({ table, rows: 0 });
      }
    } finally {
      await probe.end();
    }
  }
});
