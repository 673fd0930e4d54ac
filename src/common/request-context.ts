import type { SqlTransaction } from '../database/sql/sql-transaction';
import type { Principal } from '../access/principal';

/**
 * Who is asking and under which request id, handed explicitly from the controller to the service.
 * `transaction` is set when the request already runs inside one (an idempotent POST), so that every
 * write of the command joins it.
 */
export interface RequestContext {
  requestId: string;
  principal: Principal;
  transaction?: SqlTransaction;
}

/** The fields added to Fastify's request by the guard and the idempotency interceptor. */
export interface LedgerRequestState {
  principal?: Principal;
  ledgerTransaction?: SqlTransaction;
  rawBody?: string;
}
