import {
  canTransition,
  EVENT_TYPES,
  isTerminal,
  RECEIPT_EVENTS,
  STATUSES,
  transitionRefusal,
  TRANSITIONS,
  type EventType,
  type ShipmentStatus,
} from '../../src/shipments/shipment-lifecycle';

/** The delivery lifecycle exactly as docs/api.md states it, written out independently of src/. */
const CONTRACT: Record<ShipmentStatus, EventType[]> = {
  planned: ['dispatched', 'cancelled'],
  dispatched: ['in_transit', 'held', 'arrived', 'lost', 'cancelled'],
  in_transit: ['in_transit', 'held', 'arrived', 'lost'],
  held: ['in_transit', 'arrived', 'lost'],
  arrived: ['delivered', 'partially_delivered', 'held'],
  partially_delivered: ['delivered', 'partially_delivered'],
  delivered: [],
  cancelled: [],
  lost: [],
};

const pairs = STATUSES.flatMap((from) => EVENT_TYPES.map((to) => [from, to] as const));

describe('shipment lifecycle', () => {
  it('knows the nine statuses, and every status but planned is an event type', () => {
    expect([...STATUSES].sort()).toEqual(Object.keys(CONTRACT).sort());
    expect([...EVENT_TYPES].sort()).toEqual(STATUSES.filter((s) => s !== 'planned').sort());
  });

  it('has exactly the transition table of the contract', () => {
    for (const status of STATUSES) {
      expect({ status, allowed: [...TRANSITIONS[status]].sort() }).toEqual({
        status,
        allowed: [...CONTRACT[status]].sort(),
      });
    }
  });

  it.each(pairs)('canTransition(%s, %s) follows the table', (from, to) => {
    expect(canTransition(from, to)).toBe(CONTRACT[from].includes(to));
  });

  it('never lets a shipment become planned again', () => {
    for (const status of STATUSES) expect(TRANSITIONS[status]).not.toContain('planned');
  });

  it('treats delivered, cancelled and lost, and only those, as terminal', () => {
    expect(STATUSES.filter(isTerminal).sort()).toEqual(['cancelled', 'delivered', 'lost']);
  });

  it('reaches every status from planned, and a terminal status from every status', () => {
    const reachable = new Set<ShipmentStatus>(['planned']);
    const queue: ShipmentStatus[] = ['planned'];
    while (queue.length) {
      for (const to of TRANSITIONS[queue.shift()!]) {
        if (!reachable.has(to)) {
          reachable.add(to);
          queue.push(to);
        }
      }
    }
    expect([...reachable].sort()).toEqual([...STATUSES].sort());
    const endsSomewhere = (from: ShipmentStatus, seen = new Set<ShipmentStatus>()): boolean =>
      isTerminal(from) ||
      TRANSITIONS[from].some((to) => !seen.has(to) && endsSomewhere(to, new Set([...seen, from])));
    for (const status of STATUSES)
      expect({ status, ends: endsSomewhere(status) }).toEqual({ status, ends: true });
  });

  it('asks for a receipt on delivered and partially_delivered only', () => {
    expect([...RECEIPT_EVENTS].sort()).toEqual(['delivered', 'partially_delivered']);
  });

  describe('transitionRefusal', () => {
    const refused = pairs.filter(([from, to]) => !CONTRACT[from].includes(to));
    const word = (text: string, w: string) => new RegExp(`(^|[^\\w])${w}([^\\w]|$)`).test(text);

    it.each(refused)('names both statuses when %s cannot become %s', (from, to) => {
      const detail = transitionRefusal(from, to);
      expect(word(detail, from)).toBe(true);
      expect(word(detail, to)).toBe(true);
    });

    it('lists what would have been allowed', () => {
      expect(transitionRefusal('planned', 'delivered')).toBe(
        'A shipment that is planned cannot become delivered; from planned it can become dispatched, cancelled.',
      );
    });

    it('says a terminal status is final', () => {
      expect(transitionRefusal('delivered', 'partially_delivered')).toBe(
        'A shipment that is delivered cannot become partially_delivered: delivered is final.',
      );
      for (const status of ['delivered', 'cancelled', 'lost'] as const) {
        expect(transitionRefusal(status, 'in_transit')).toContain(`${status} is final`);
      }
    });
  });
});
