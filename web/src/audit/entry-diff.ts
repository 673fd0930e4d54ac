/**
 * What an audit entry changed, field by field, for people to read: the entry's `before` and `after`
 * flattened to paths (`status`, `items[2].quantity`, `event.location.placeName`) and compared. Values
 * stay as served (decimal strings remain strings); nothing here formats or interprets them.
 */
export type FieldChange =
  | { path: string; kind: 'added'; after: Leaf }
  | { path: string; kind: 'removed'; before: Leaf }
  | { path: string; kind: 'changed'; before: Leaf; after: Leaf };

export type Leaf = string | number | boolean | null;

interface DiffableEntry {
  action: string;
  before: unknown;
  after: unknown;
}

/**
 * An event's fields that repeat what the entry already says: who recorded it (the entry's actor), when
 * (the entry's time), which shipment, and the status move (the shipment's own `status` row shows it).
 */
const REPEATED = /^(event|correction)\.(actor(\.|$)|recordedAt$|shipmentId$|fromStatus$|toStatus$)/;

/**
 * The changes an entry records, in the order of its `after` (then what `after` no longer has). A field
 * added empty (null, [] or {}) records nothing and is left out, as are an event's repeated fields.
 */
export function entryChanges(entry: DiffableEntry): FieldChange[] {
  const { before, after } = comparable(entry);
  const old = flatten(before);
  const now = flatten(after);
  const changes: FieldChange[] = [];
  for (const [path, value] of now) {
    if (REPEATED.test(path)) continue;
    if (!old.has(path)) {
      if (value !== null) changes.push({ path, kind: 'added', after: value });
    } else if (old.get(path) !== value) {
      changes.push({ path, kind: 'changed', before: old.get(path) as Leaf, after: value });
    }
  }
  for (const [path, value] of old) {
    if (!now.has(path) && !REPEATED.test(path)) changes.push({ path, kind: 'removed', before: value });
  }
  return changes;
}

/**
 * Lines the two sides up. An event entry's `before` is the shipment's state and its `after` the new
 * state with the event beside it (docs/audit.md); a void's `before` holds the event being voided. So
 * the shipment's fields compare with the shipment's, and the event with itself.
 */
function comparable({ action, before, after }: DiffableEntry): { before: unknown; after: unknown } {
  if (!isRecord(after) || !isRecord(after.shipment)) return { before, after };
  if (action === 'shipment.event_recorded')
    return { before, after: { ...after.shipment, event: after.event } };
  if (action === 'shipment.event_voided') {
    return { before, after: { ...after.shipment, event: after.voidedEvent, correction: after.event } };
  }
  return { before, after };
}

function flatten(value: unknown): Map<string, Leaf> {
  const out = new Map<string, Leaf>();
  const walk = (node: unknown, path: string) => {
    if (Array.isArray(node)) {
      if (node.length === 0 && path !== '') out.set(path, null);
      node.forEach((item, i) => walk(item, `${path}[${i}]`));
    } else if (isRecord(node)) {
      const keys = Object.keys(node);
      if (keys.length === 0 && path !== '') out.set(path, null);
      for (const key of keys) walk(node[key], path === '' ? key : `${path}.${key}`);
    } else if (path !== '') {
      out.set(path, isLeaf(node) ? node : String(node));
    }
  };
  walk(value, '');
  return out;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isLeaf(value: unknown): value is Leaf {
  return (
    value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
  );
}
