import { randomBytes, randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { countRows, issueToken, organizationBody } from '../support/builders';
import { Api, ApiResponse } from '../support/http';
import { expectFieldError, expectProblem } from '../support/problems';
import { startService, TestService } from '../support/service';

/**
 * Organizations (openapi.json; docs/api.md), with the conventions their routes rely on (problems, lists, audit entries,
 * Idempotency-Key), over HTTP against the compiled service on its own database.
 */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
const TYPES = [
  'government',
  'multilateral',
  'ngo',
  'red_cross_red_crescent',
  'private_sector',
  'foundation',
  'academic',
  'other',
];
/** A tag that makes the names of one test findable with `q` and keeps them apart from other tests'. */
const tag = () => `t${randomBytes(5).toString('hex')}`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('organizations', () => {
  let service: TestService;
  let admin: Api;
  let coordinator: Api;

  beforeAll(async () => {
    service = await startService();
    admin = new Api(service.baseUrl, service.adminToken);
    coordinator = admin.as(await issueToken(admin, 'coordinator'));
  });
  afterAll(() => service?.stop());

  async function rowCounts() {
    const counts: Record<string, number> = {};
    for (const table of ['organization', 'audit_entry', 'idempotency_record'])
      counts[table] = await countRows(service.db, table);
    return counts;
  }

  /** Runs `refused` and checks that it stored no organization, audit entry or idempotency record. */
  async function expectNothingStored(refused: () => Promise<void>) {
    const before = await rowCounts();
    await refused();
    expect(await rowCounts()).toEqual(before);
  }

  async function auditEntries(entityId: string) {
    const { rows } = await service.db.query(
      `SELECT action, entity_type, entity_id, actor, request_id, content::json->'before' AS before,
              content::json->'after' AS after
         FROM audit_entry WHERE entity_id = $1 ORDER BY recorded_at`,
      [entityId],
    );
    return rows;
  }

  async function create(body: Record<string, unknown>, api = admin) {
    const response = await api.post('/organizations', body);
    expect(response.status).toBe(201);
    return response.body as Record<string, any> & { id: string; name: string };
  }

  /** Walks a list to its end; `betweenPages` runs after each page but the last. */
  async function walk(query: Record<string, string>, limit: number, betweenPages?: () => Promise<void>) {
    const ids: string[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 1000; page++) {
      const params: URLSearchParams = new URLSearchParams({
        ...query,
        limit: String(limit),
        ...(cursor ? { cursor } : {}),
      });
      const response: ApiResponse = await admin.get(`/organizations?${params}`);
      expect(response.status).toBe(200);
      expect(response.body.data.length).toBeLessThanOrEqual(limit);
      for (const { id } of response.body.data as Array<{ id: string }>) {
        // A repeat means the cursor does not move past what it served: fail now rather than loop.
        if (ids.includes(id)) throw new Error(`page ${page + 1} serves ${id} again`);
        ids.push(id);
      }
      cursor = response.body.nextCursor;
      if (cursor === null) return ids;
      expect(response.body.data).toHaveLength(limit);
      expect(typeof cursor).toBe('string');
      await betweenPages?.();
    }
    throw new Error(`the list does not end after ${ids.length} rows`);
  }

  /** Names containing `text` as the API lists them, walking every page. */
  async function search(text: string, extra: Record<string, string> = {}) {
    return walk({ q: text, ...extra }, 200);
  }

  describe('POST /organizations', () => {
    it('creates an organization and answers 201 with the contract fields', async () => {
      const body = {
        name: `World Health Organization ${tag()}`,
        type: 'multilateral',
        countryCode: 'CH',
        iatiIdentifier: 'XM-DAC-928',
      };
      const response = await coordinator.post('/organizations', body);
      expect(response.status).toBe(201);
      expect(response.headers.get('content-type')).toMatch(/^application\/json\b/);
      expect(response.body).toEqual(
        expect.objectContaining({
          ...body,
          id: expect.stringMatching(UUID),
          createdAt: expect.stringMatching(ISO_UTC),
        }),
      );
      expect(Math.abs(new Date(response.body.createdAt).getTime() - Date.now())).toBeLessThan(60_000);

      const read = await admin.get(`/organizations/${response.body.id}`);
      expect(read.status).toBe(200);
      expect(read.body).toEqual(response.body);
    });

    it('leaves countryCode and iatiIdentifier null when they are not given', async () => {
      const created = await create({ name: `Local relief committee ${tag()}`, type: 'ngo' });
      expect(created).toMatchObject({ type: 'ngo', countryCode: null, iatiIdentifier: null });
    });

    it.each(TYPES)('accepts the type %s', async (type) => {
      const created = await create({ name: `Type ${type} ${tag()}`, type, countryCode: 'KE' });
      expect(created.type).toBe(type);
      expect((await admin.get(`/organizations/${created.id}`)).body.type).toBe(type);
    });

    it.each([['charity'], ['NGO'], [''], [null], [3]])(
      'refuses the type %p with a 400 naming type',
      async (type) => {
        await expectNothingStored(async () => {
          expectFieldError(await admin.post('/organizations', { name: `Typed ${tag()}`, type }), 'type');
        });
      },
    );

    it('refuses an organization without a type', async () => {
      await expectNothingStored(async () => {
        expectFieldError(await admin.post('/organizations', { name: `Untyped ${tag()}` }), 'type');
      });
    });

    it.each([['XX'], ['UK'], ['GBR'], ['U1'], [''], [42]])(
      'refuses the countryCode %p with a 400 naming countryCode',
      async (countryCode) => {
        await expectNothingStored(async () => {
          const response = await admin.post('/organizations', {
            name: `Somewhere ${tag()}`,
            type: 'ngo',
            countryCode,
          });
          expectFieldError(response, 'countryCode');
        });
      },
    );

    it.each([
      ['without a countryCode', {}],
      ['with a null countryCode', { countryCode: null }],
    ])('refuses a government %s with a 400 naming countryCode', async (_, extra) => {
      await expectNothingStored(async () => {
        const response = await admin.post('/organizations', {
          name: `Republic ${tag()}`,
          type: 'government',
          ...extra,
        });
        expectFieldError(response, 'countryCode');
      });
    });

    it('accepts a government with its ISO 3166-1 alpha-2 country', async () => {
      const created = await create({
        name: `Republic of Azerbaijan ${tag()}`,
        type: 'government',
        countryCode: 'AZ',
      });
      expect(created).toMatchObject({ type: 'government', countryCode: 'AZ' });
    });

    it.each([
      ['no name', {}],
      ['an empty name', { name: '' }],
      ['a blank name', { name: '   ' }],
      ['a name that is not a string', { name: 42 }],
    ])('refuses %s with a 400 naming name', async (_, extra) => {
      await expectNothingStored(async () => {
        expectFieldError(await admin.post('/organizations', { type: 'ngo', ...extra }), 'name');
      });
    });

    it.each([['website'], ['version'], ['id']])(
      'refuses the unknown field %s with a 400 naming it',
      async (field) => {
        await expectNothingStored(async () => {
          const response = await admin.post('/organizations', { ...organizationBody(), [field]: 'x' });
          expectFieldError(response, field);
        });
      },
    );

    it.each([
      ['the same name', (name: string) => name],
      ['the name in upper case', (name: string) => name.toUpperCase()],
      ['the name in lower case', (name: string) => name.toLowerCase()],
    ])('answers %s again with 409 and stores nothing', async (_, variant) => {
      const existing = await create({ name: `Acme Relief Foundation ${tag()}`, type: 'foundation' });
      await expectNothingStored(async () => {
        const response = await coordinator.post('/organizations', {
          name: variant(existing.name),
          type: 'ngo',
        });
        expectProblem(response, 409);
      });
    });

    it('compares names case-insensitively beyond ASCII', async () => {
      const existing = await create({ name: `Ärzte der Welt Österreich ${tag()}`, type: 'ngo' });
      await expectNothingStored(async () => {
        expectProblem(
          await admin.post('/organizations', { name: existing.name.toUpperCase(), type: 'ngo' }),
          409,
        );
      });
    });

    it('writes exactly one organization.created audit entry with the organization as served', async () => {
      const requestId = `org-create-${tag()}`;
      const before = await countRows(service.db, 'audit_entry');
      const response = await coordinator.post('/organizations', organizationBody(), {
        headers: { 'x-request-id': requestId },
      });
      expect(response.status).toBe(201);
      expect(await countRows(service.db, 'audit_entry')).toBe(before + 1);
      const me = (await coordinator.get('/me')).body;
      expect(await auditEntries(response.body.id)).toEqual([
        {
          action: 'organization.created',
          entity_type: 'organization',
          entity_id: response.body.id,
          actor: me,
          request_id: requestId,
          before: null,
          after: response.body,
        },
      ]);
    });
  });

  describe('GET /organizations/:id', () => {
    it('answers an unknown id with a 404 problem', async () => {
      expectProblem(await admin.get(`/organizations/${randomUUID()}`), 404);
    });
  });

  describe('PATCH /organizations/:id', () => {
    it('changes the fields sent, keeps the others and bumps the version', async () => {
      const created = await create({ name: `Médecins Relief ${tag()}`, type: 'ngo', countryCode: 'FR' });
      expect(created.version).toBe(1);
      const name = `Médecins Relief International ${tag()}`;
      const response = await coordinator.patch(`/organizations/${created.id}`, {
        name,
        iatiIdentifier: 'FR-RNA-W751',
      });
      expect(response.status).toBe(200);
      expect(response.body).toEqual({
        ...created,
        name,
        iatiIdentifier: 'FR-RNA-W751',
        version: 2,
        updatedAt: expect.stringMatching(ISO_UTC),
      });
      expect((await admin.get(`/organizations/${created.id}`)).body).toEqual(response.body);

      const again = await coordinator.patch(`/organizations/${created.id}`, {
        countryCode: 'BE',
        type: 'foundation',
      });
      expect(again.status).toBe(200);
      expect(again.body).toMatchObject({
        name,
        countryCode: 'BE',
        type: 'foundation',
        version: 3,
        createdAt: created.createdAt,
      });
      expect((await admin.get(`/organizations/${created.id}`)).body).toEqual(again.body);
    });

    it('writes exactly one organization.updated audit entry with before and after as served', async () => {
      const created = await create(organizationBody());
      const before = (await admin.get(`/organizations/${created.id}`)).body;
      const requestId = `org-update-${tag()}`;
      const count = await countRows(service.db, 'audit_entry');
      const response = await coordinator.patch(
        `/organizations/${created.id}`,
        { iatiIdentifier: 'XM-OCHA-CBPF' },
        { headers: { 'x-request-id': requestId } },
      );
      expect(response.status).toBe(200);
      expect(await countRows(service.db, 'audit_entry')).toBe(count + 1);
      const entries = await auditEntries(created.id);
      expect(entries.map((entry) => entry.action)).toEqual(['organization.created', 'organization.updated']);
      expect(entries[1]).toEqual({
        action: 'organization.updated',
        entity_type: 'organization',
        entity_id: created.id,
        actor: (await coordinator.get('/me')).body,
        request_id: requestId,
        before,
        after: response.body,
      });
    });

    it('refuses changing the type to government without a countryCode, changing nothing', async () => {
      const created = await create({ name: `Not yet a ministry ${tag()}`, type: 'ngo' });
      await expectNothingStored(async () => {
        expectFieldError(
          await coordinator.patch(`/organizations/${created.id}`, { type: 'government' }),
          'countryCode',
        );
      });
      expect((await admin.get(`/organizations/${created.id}`)).body).toEqual(created);

      const fixed = await coordinator.patch(`/organizations/${created.id}`, {
        type: 'government',
        countryCode: 'UA',
      });
      expect(fixed.status).toBe(200);
      expect(fixed.body).toMatchObject({ type: 'government', countryCode: 'UA', version: 2 });
    });

    it('lets an organization with a country become a government without repeating it', async () => {
      const created = await create({ name: `Ministry of Health ${tag()}`, type: 'other', countryCode: 'UA' });
      const response = await coordinator.patch(`/organizations/${created.id}`, { type: 'government' });
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ type: 'government', countryCode: 'UA', version: 2 });
    });

    it('refuses removing the countryCode of a government', async () => {
      const created = await create({
        name: `Government of Kenya ${tag()}`,
        type: 'government',
        countryCode: 'KE',
      });
      await expectNothingStored(async () => {
        expectFieldError(
          await coordinator.patch(`/organizations/${created.id}`, { countryCode: null }),
          'countryCode',
        );
      });
      expect((await admin.get(`/organizations/${created.id}`)).body).toEqual(created);
    });

    it.each([
      ['an invalid countryCode', { countryCode: 'XX' }, 'countryCode'],
      ['an unknown type', { type: 'charity' }, 'type'],
      ['a blank name', { name: ' ' }, 'name'],
      ['an unknown field', { website: 'https://example.org' }, 'website'],
      ['a version', { version: 7 }, 'version'],
    ])('refuses %s with a 400 naming the field, changing nothing', async (_, body, path) => {
      const created = await create(organizationBody());
      await expectNothingStored(async () => {
        expectFieldError(await coordinator.patch(`/organizations/${created.id}`, body), path);
      });
      expect((await admin.get(`/organizations/${created.id}`)).body).toEqual(created);
    });

    it('answers a name in use (in any case) with 409, changing nothing', async () => {
      const taken = await create({ name: `Danish Refugee Council ${tag()}`, type: 'ngo' });
      const created = await create(organizationBody());
      await expectNothingStored(async () => {
        expectProblem(
          await coordinator.patch(`/organizations/${created.id}`, { name: taken.name.toLowerCase() }),
          409,
        );
      });
      expect((await admin.get(`/organizations/${created.id}`)).body).toEqual(created);
    });

    it('lets an organization change the case of its own name', async () => {
      const created = await create({ name: `unicef country office ${tag()}`, type: 'multilateral' });
      const response = await coordinator.patch(`/organizations/${created.id}`, {
        name: created.name.toUpperCase(),
      });
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ name: created.name.toUpperCase(), version: 2 });
    });

    it('answers an unknown id with 404 and stores nothing', async () => {
      await expectNothingStored(async () => {
        expectProblem(
          await coordinator.patch(`/organizations/${randomUUID()}`, { name: `Nobody ${tag()}` }),
          404,
        );
      });
    });
  });

  describe('audit entries share the transaction of their change', () => {
    /** While installed, the database refuses the audit entry of any change whose `after.name` starts "Doomed". */
    async function withAuditRefused(work: () => Promise<void>) {
      await service.db.query(`
        CREATE FUNCTION e2e_refuse_audit() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'e2e test refuses this audit entry'; END $$`);
      await service.db.query(`
        CREATE TRIGGER e2e_refuse_audit BEFORE INSERT ON audit_entry FOR EACH ROW
        WHEN (NEW.content::json->'after'->>'name' LIKE 'Doomed%') EXECUTE FUNCTION e2e_refuse_audit()`);
      try {
        await work();
      } finally {
        await service.db.query('DROP TRIGGER e2e_refuse_audit ON audit_entry');
        await service.db.query('DROP FUNCTION e2e_refuse_audit()');
      }
    }

    it('stores no organization when its audit entry cannot be written', async () => {
      const name = `Doomed Relief ${tag()}`;
      await withAuditRefused(() =>
        expectNothingStored(async () => {
          const response = await admin.post('/organizations', { name, type: 'ngo' });
          expectProblem(response, 500);
          expect(response.text).not.toContain('e2e test refuses');
        }),
      );
      const { rows } = await service.db.query(
        'SELECT count(*)::int AS count FROM organization WHERE lower(name) = lower($1)',
        [name],
      );
      expect(rows[0].count).toBe(0);
      // The name is free: nothing of the failed attempt survived.
      expect((await admin.post('/organizations', { name, type: 'ngo' })).status).toBe(201);
    });

    it('keeps an organization unchanged when the audit entry of its edit cannot be written', async () => {
      const created = await create(organizationBody());
      await withAuditRefused(() =>
        expectNothingStored(async () => {
          const response = await admin.patch(`/organizations/${created.id}`, {
            name: `Doomed Rename ${tag()}`,
          });
          expectProblem(response, 500);
        }),
      );
      expect((await admin.get(`/organizations/${created.id}`)).body).toEqual(created);
      expect((await auditEntries(created.id)).map((entry) => entry.action)).toEqual(['organization.created']);
    });
  });

  describe('GET /organizations', () => {
    it('answers {data, nextCursor} with organizations as GET /organizations/:id serves them', async () => {
      const mark = tag();
      const created = await create({
        name: `Listed ${mark}`,
        type: 'academic',
        countryCode: 'NL',
        iatiIdentifier: 'NL-KVK-41150085',
      });
      const response = await admin.get(`/organizations?q=${mark}`);
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ data: [created], nextCursor: null });
    });

    it('filters by type', async () => {
      const mark = tag();
      const foundations = [
        await create({ name: `Gates ${mark}`, type: 'foundation' }),
        await create({ name: `Wellcome ${mark}`, type: 'foundation' }),
      ];
      await create({ name: `University ${mark}`, type: 'academic' });
      await create({ name: `Red Crescent ${mark}`, type: 'red_cross_red_crescent' });

      const ids = await search(mark, { type: 'foundation' });
      expect(ids.sort()).toEqual(foundations.map((organization) => organization.id).sort());

      for (const type of ['foundation', 'academic']) {
        const response = await admin.get(`/organizations?type=${type}&limit=200`);
        expect(response.body.data.length).toBeGreaterThan(0);
        expect(response.body.data.every((organization: { type: string }) => organization.type === type)).toBe(
          true,
        );
      }
      expectFieldError(await admin.get('/organizations?type=charity'), 'type');
    });

    it('filters by q, a case-insensitive part of the name', async () => {
      const mark = tag();
      const alpha = await create({ name: `Alpha Relief ${mark}`, type: 'ngo' });
      const beta = await create({ name: `Beta Aid ${mark}`, type: 'ngo' });
      expect((await search(mark.toUpperCase())).sort()).toEqual([alpha.id, beta.id].sort());
      expect(await search(`PHA relief ${mark.toUpperCase()}`)).toEqual([alpha.id]);
      expect(await search(`aid ${mark}`)).toEqual([beta.id]);
      expect(await admin.get(`/organizations?q=${mark}-absent`).then((response) => response.body)).toEqual({
        data: [],
        nextCursor: null,
      });
    });

    it('matches %, _ and \\ in q literally', async () => {
      const mark = tag();
      const percent = await create({ name: `Relief 100% ${mark}`, type: 'ngo' });
      const thousand = await create({ name: `Relief 1000 ${mark}`, type: 'ngo' });
      const underscore = await create({ name: `Relief 1_0 ${mark}`, type: 'ngo' });
      const backslash = await create({ name: `Relief C:\\Aid ${mark}`, type: 'ngo' });
      expect(await search(`100% ${mark}`)).toEqual([percent.id]);
      expect(await search(`1%0 ${mark}`)).toEqual([]);
      expect(await search(`1_0 ${mark}`)).toEqual([underscore.id]);
      expect(await search(`1__0 ${mark}`)).toEqual([]);
      expect(await search(`\\Aid ${mark}`)).toEqual([backslash.id]);
      expect((await search(mark)).sort()).toEqual(
        [percent.id, thousand.id, underscore.id, backslash.id].sort(),
      );
    });

    it('walks every page with limit and cursor, each organization once', async () => {
      const mark = tag();
      const created: string[] = [];
      for (const name of ['delta', 'Alpha', 'charlie', 'Echo', 'bravo', 'foxtrot', 'ALPHA two']) {
        created.push((await create({ name: `${name} ${mark}`, type: 'ngo' })).id);
      }
      for (const limit of [1, 2, 3, 7, 200]) {
        expect((await walk({ q: mark }, limit)).sort()).toEqual([...created].sort());
      }
      const everything = await walk({}, 7);
      expect(new Set(everything).size).toBe(everything.length);
      const { rows } = await service.db.query('SELECT id FROM organization');
      expect([...everything].sort()).toEqual(rows.map((row) => row.id).sort());
    });

    it('keeps pages stable when organizations are added between fetches', async () => {
      const mark = tag();
      const original: string[] = [];
      for (const name of ['kilo', 'lima', 'mike', 'november', 'oscar', 'papa']) {
        original.push((await create({ name: `${mark} ${name}`, type: 'ngo' })).id);
      }
      let round = 0;
      const walked = await walk({ q: mark }, 2, async () => {
        round++;
        // Rows sorting before, between and after the ones already served, by name and by time.
        for (const name of [`a${round}`, `l${round}`, `m${round}`, `z${round}`]) {
          await create({ name: `${mark} ${name}`, type: 'ngo' });
        }
      });
      expect(round).toBeGreaterThanOrEqual(2);
      expect(new Set(walked).size).toBe(walked.length);
      for (const id of original) expect(walked.filter((seen) => seen === id)).toHaveLength(1);
    });

    it('walks names that are long or lower-case differently outside ASCII', async () => {
      const mark = tag();
      const created: string[] = [];
      const names = [
        `${mark} ${'援助'.repeat(140)} a`,
        `${mark} ${'援助'.repeat(140)} b`,
        `${mark} ${'x'.repeat(120)} c`,
        `${mark} ΟΔΟΣ ΑΡΩΓΗΣ a`,
        `${mark} ΟΔΟΣ ΑΡΩΓΗΣ b`,
        `${mark} İSTANBUL a`,
        `${mark} İSTANBUL b`,
        `${mark} İSTANBUL c`,
      ];
      for (const name of names) created.push((await create({ name, type: 'ngo' })).id);
      for (const limit of [1, 2, 3]) {
        const walked = await walk({ q: mark }, limit);
        expect(walked.length).toBe(new Set(walked).size);
        expect([...walked].sort()).toEqual([...created].sort());
      }
    });

    it('serves 50 rows by default and at most 200', async () => {
      const mark = tag();
      await Promise.all(
        Array.from({ length: 55 }, (_, i) =>
          create({ name: `Bulk ${mark} ${String(i).padStart(2, '0')}`, type: 'ngo' }),
        ),
      );
      const defaultPage = await admin.get(`/organizations?q=${mark}`);
      expect(defaultPage.body.data).toHaveLength(50);
      expect(defaultPage.body.nextCursor).toEqual(expect.any(String));
      const rest = await admin.get(
        `/organizations?q=${mark}&cursor=${encodeURIComponent(defaultPage.body.nextCursor)}`,
      );
      expect(rest.body.data).toHaveLength(5);
      expect(rest.body.nextCursor).toBeNull();
      const largest = await admin.get(`/organizations?q=${mark}&limit=200`);
      expect(largest.body.data).toHaveLength(55);
      expect(largest.body.nextCursor).toBeNull();
      const all = await admin.get('/organizations?limit=200');
      expect(all.body.data).toHaveLength(Math.min(200, await countRows(service.db, 'organization')));
    });

    it.each([
      ['limit=0', 'limit'],
      ['limit=201', 'limit'],
      ['limit=abc', 'limit'],
      ['limit=-1', 'limit'],
      ['limit=1.5', 'limit'],
      ['cursor=garbage', 'cursor'],
      ['cursor=%7B%7D', 'cursor'],
      [`cursor=${Buffer.from('{}').toString('base64url')}`, 'cursor'],
      [
        `cursor=${Buffer.from(`{"s":"organizations","v":"a\\u0000b","i":"${randomUUID()}"}`).toString('base64url')}`,
        'cursor',
      ],
    ])('answers ?%s with a 400 naming %s', async (query, path) => {
      expectFieldError(await admin.get(`/organizations?${query}`), path);
    });

    it('refuses a cursor another list gave out', async () => {
      await issueToken(admin, 'auditor');
      await issueToken(admin, 'auditor');
      const tokens = await admin.get('/tokens?limit=1');
      expect(tokens.body.nextCursor).toEqual(expect.any(String));
      expectFieldError(
        await admin.get(`/organizations?cursor=${encodeURIComponent(tokens.body.nextCursor)}`),
        'cursor',
      );
    });
  });

  describe('Idempotency-Key on POST /organizations', () => {
    it('replays the first response for the same key and body, creating nothing', async () => {
      const key = `org-${tag()}`;
      const body = organizationBody();
      const first = await coordinator.post('/organizations', body, { headers: { 'idempotency-key': key } });
      expect(first.status).toBe(201);
      await expectNothingStored(async () => {
        const replay = await coordinator.post('/organizations', body, {
          headers: { 'idempotency-key': key },
        });
        expect(replay.status).toBe(201);
        expect(replay.body).toEqual(first.body);
      });
      expect(await auditEntries(first.body.id)).toHaveLength(1);
    });

    it('answers the same key with a different body with 422, creating nothing', async () => {
      const key = `org-${tag()}`;
      const first = await coordinator.post('/organizations', organizationBody(), {
        headers: { 'idempotency-key': key },
      });
      expect(first.status).toBe(201);
      await expectNothingStored(async () => {
        const other = await coordinator.post('/organizations', organizationBody(), {
          headers: { 'idempotency-key': key },
        });
        expectProblem(other, 422);
      });
    });

    it('answers 409 while the first request with the key is still running', async () => {
      const key = `org-${tag()}`;
      const body = organizationBody();
      const blocker = new Client({ connectionString: service.databaseUrl });
      await blocker.connect();
      let first: Promise<ApiResponse> | undefined;
      try {
        // Hold the first request inside its transaction: its insert waits for this lock.
        await blocker.query('BEGIN');
        await blocker.query('LOCK TABLE organization IN SHARE MODE');
        first = coordinator.post('/organizations', body, { headers: { 'idempotency-key': key } });
        await waitFor(async () => {
          const { rows } = await service.db.query(
            `SELECT count(*)::int AS count FROM pg_stat_activity
              WHERE datname = current_database() AND application_name = 'aidtrail' AND wait_event_type = 'Lock'`,
          );
          return rows[0].count > 0;
        });
        const second = await coordinator.post('/organizations', body, {
          headers: { 'idempotency-key': key },
        });
        expectProblem(second, 409);
      } finally {
        await blocker.query('COMMIT');
        await blocker.end();
      }
      const completed = await first!;
      expect(completed.status).toBe(201);
      const replay = await coordinator.post('/organizations', body, { headers: { 'idempotency-key': key } });
      expect(replay.status).toBe(201);
      expect(replay.body).toEqual(completed.body);
      const { rows } = await service.db.query(
        'SELECT count(*)::int AS count FROM organization WHERE name = $1',
        [body.name],
      );
      expect(rows[0].count).toBe(1);
    });
  });

  describe('OpenAPI document', () => {
    it('describes the organization routes and their paging parameters', async () => {
      const response = await admin.as(null).get('/docs-json');
      expect(response.status).toBe(200);
      expect(Object.keys(response.body.paths['/api/v1/organizations'])).toEqual(
        expect.arrayContaining(['get', 'post']),
      );
      expect(Object.keys(response.body.paths['/api/v1/organizations/{id}'])).toEqual(
        expect.arrayContaining(['get', 'patch']),
      );
      // `type` and `q` are documented by the Swagger CLI plugin, which only `nest build` applies.
      const parameters = response.body.paths['/api/v1/organizations'].get.parameters.map(
        (parameter: { name: string }) => parameter.name,
      );
      expect(parameters).toEqual(expect.arrayContaining(['limit', 'cursor']));
    });
  });
});

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 5000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(20);
  }
}
