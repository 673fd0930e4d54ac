import { DataSource } from 'typeorm';
import { AuditEntryContent1795838900000 as Migration } from '../../migrations/1795838900000-AuditEntryContent';
import { dataSourceOptions } from '../../src/database/data-source';
import { logEntries, settled } from '../support/audit-log';
import { createShipment, seedParties } from '../support/builders';
import { Api } from '../support/http';
import { startService, TestService } from '../support/service';

/**
 * The migration that made an entry's canonical text its stored form (AuditEntryContent) backfills
 * existing logs: run down (back to before/after columns) and up again on a live log, the stored bytes
 * come out identical, so every leaf hash and signed checkpoint still holds.
 */
describe('audit entry storage migration', () => {
  let service: TestService;
  let admin: Api;

  beforeAll(async () => {
    service = await startService();
    admin = new Api(service.baseUrl, service.adminToken);
  });
  afterAll(() => service?.stop());

  it('rebuilds the same entry bytes from an older schema, and the log still verifies', async () => {
    const { donor, recipient } = await seedParties(admin);
    const shipment = await createShipment(admin, donor.id, recipient.id, { title: 'Вакцини, Azərbaycan → Україна "quoted"' });
    expect((await admin.post(`/shipments/${shipment.id}/events`, { type: 'dispatched' })).status).toBe(201);
    await settled(admin, service.db);
    const stored = async () =>
      (await service.db.query('SELECT id, content FROM audit_entry ORDER BY id')).rows as Array<{ id: string; content: string }>;
    const original = await stored();
    const served = await logEntries(admin);
    expect(original.length).toBeGreaterThanOrEqual(5);

    const dataSource = new DataSource(dataSourceOptions(service.databaseUrl, 1));
    await dataSource.initialize();
    const runner = dataSource.createQueryRunner();
    try {
      // One transaction: the running service never sees the older schema.
      await runner.startTransaction();
      await new Migration().down(runner);
      const older = await runner.query(`SELECT id, before, after FROM audit_entry ORDER BY id`);
      expect(older.map((row: { before: unknown; after: unknown }) => [row.before, row.after])).toEqual(
        [...served].sort((a, b) => (a.id < b.id ? -1 : 1)).map((entry) => [entry.before, entry.after]),
      );
      await new Migration().up(runner);
      await runner.commitTransaction();
    } finally {
      if (runner.isTransactionActive) await runner.rollbackTransaction();
      await runner.release();
      await dataSource.destroy();
    }

    expect(await stored()).toEqual(original);
    expect((await admin.get('/audit/verify')).body).toMatchObject({ valid: true, treeSize: served.length });
    expect(await logEntries(admin)).toEqual(served);
  });
});
