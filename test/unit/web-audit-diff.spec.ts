import { entryChanges } from '../../web/src/audit/entry-diff';

describe('audit entry diff: what changed, field by field', () => {
  it('lists every field a creation recorded as added, nested paths spelled out, empty ones left out', () => {
    const changes = entryChanges({
      action: 'shipment.created',
      before: null,
      after: { reference: 'AT-1', items: [{ quantity: '1200.50', batchNumber: null }], partners: [] },
    });
    expect(changes).toEqual([
      { path: 'reference', kind: 'added', after: 'AT-1' },
      { path: 'items[0].quantity', kind: 'added', after: '1200.50' },
    ]);
  });

  it('shows only what an update changed, added or removed, decimals as the strings served', () => {
    const changes = entryChanges({
      action: 'shipment.updated',
      before: {
        title: 'Masks',
        version: 1,
        items: [{ quantity: '10.0' }, { quantity: '5' }],
        emergency: 'flood',
      },
      after: { title: 'Masks', version: 2, items: [{ quantity: '10.00' }], priority: 'urgent' },
    });
    expect(changes).toEqual([
      { path: 'version', kind: 'changed', before: 1, after: 2 },
      { path: 'items[0].quantity', kind: 'changed', before: '10.0', after: '10.00' },
      { path: 'priority', kind: 'added', after: 'urgent' },
      { path: 'items[1].quantity', kind: 'removed', before: '5' },
      { path: 'emergency', kind: 'removed', before: 'flood' },
    ]);
  });

  it('compares an event’s shipment state with the state before, and shows the event beside it without repeating the entry', () => {
    const changes = entryChanges({
      action: 'shipment.event_recorded',
      before: { id: 's1', status: 'planned', version: 1 },
      after: {
        event: {
          type: 'dispatched',
          note: 'by road',
          evidence: null,
          fromStatus: 'planned',
          toStatus: 'dispatched',
          shipmentId: 's1',
          recordedAt: '2026-12-01T06:00:00Z',
          actor: { tokenId: 't1', name: 'Logistics desk', role: 'coordinator' },
        },
        shipment: { id: 's1', status: 'dispatched', version: 2 },
      },
    });
    expect(changes).toEqual([
      { path: 'status', kind: 'changed', before: 'planned', after: 'dispatched' },
      { path: 'version', kind: 'changed', before: 1, after: 2 },
      { path: 'event.type', kind: 'added', after: 'dispatched' },
      { path: 'event.note', kind: 'added', after: 'by road' },
    ]);
  });

  it('shows a void as the voided event’s new marks, the correction and the status restored', () => {
    const changes = entryChanges({
      action: 'shipment.event_voided',
      before: { id: 's1', status: 'held', version: 3, event: { id: 'e3', type: 'held', voidedAt: null } },
      after: {
        event: { id: 'e4', type: 'void' },
        voidedEvent: { id: 'e3', type: 'held', voidedAt: '2026-12-01T06:00:00Z' },
        shipment: { id: 's1', status: 'in_transit', version: 4 },
      },
    });
    expect(changes).toEqual([
      { path: 'status', kind: 'changed', before: 'held', after: 'in_transit' },
      { path: 'version', kind: 'changed', before: 3, after: 4 },
      { path: 'event.voidedAt', kind: 'changed', before: null, after: '2026-12-01T06:00:00Z' },
      { path: 'correction.id', kind: 'added', after: 'e4' },
      { path: 'correction.type', kind: 'added', after: 'void' },
    ]);
  });
});
