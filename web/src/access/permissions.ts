import type { Me } from './session';

/**
 * What each role may do, as the API's access table says; the screens offer an action only when the
 * token's role may take it (the API refuses it anyway).
 */
const WRITERS = new Set(['admin', 'coordinator']);

export const may = {
  writeShipments: (me: Me) => WRITERS.has(me.role),
  listOrganizations: (me: Me) => me.role !== 'partner',
  readHistory: (me: Me) => me.role !== 'partner',
  /** The whole-log check and the export: admins and auditors (GET /audit/verify, /audit/export). */
  verifyLog: (me: Me) => me.role === 'admin' || me.role === 'auditor',
};
