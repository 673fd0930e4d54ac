import { ConnectionLostError } from '../database/sql/sql-transaction';
import { Problem } from './problem';

interface PgError {
  code?: string;
  constraint?: string;
}

/** Database refusals that mean something to a client; everything else stays a 500. */
const CONSTRAINT_PROBLEMS: Record<string, () => Problem> = {
  organization_name_unique: () =>
    Problem.conflict('An organization with this name already exists (names are compared case-insensitively).', 'duplicate-name'),
  shipment_reference_unique: () => Problem.conflict('A shipment with this reference already exists.', 'duplicate-reference'),
  shipment_parties_differ: () => Problem.field('recipientId', 'must differ from donorId'),
  shipment_dates_ordered: () => Problem.field('expectedArrivalDate', 'must not be before plannedDispatchDate'),
};

/** Lost connections and a server in recovery are the database being away: 503, retry later. */
const UNAVAILABLE_CODES = new Set(['57P01', '57P02', '57P03', '08000', '08003', '08006', '08001', '53300']);

export function databaseProblem(error: unknown): Problem | undefined {
  const pgError = error as PgError | undefined;
  if (pgError?.constraint && CONSTRAINT_PROBLEMS[pgError.constraint]) return CONSTRAINT_PROBLEMS[pgError.constraint]();
  if (pgError?.code === '40001' || pgError?.code === '40P01') {
    return Problem.conflict('The record was changed by a concurrent request; retry.', 'concurrent-update');
  }
  // A statement cancelled by the server's statement_timeout, or given up by the pool's query_timeout: the
  // database is overloaded for this query (a text search over millions of lines, say), not the request wrong.
  if (pgError?.code === '57014' || /Query read timeout/i.test((error as Error)?.message ?? '')) {
    return new Problem(503, 'database-busy', 'Service Unavailable', 'The database took too long to answer this request; retry later or narrow it.', undefined, { 'retry-after': '5' });
  }
  if ((pgError?.code && UNAVAILABLE_CODES.has(pgError.code)) || isConnectionFailure(error)) {
    return new Problem(503, 'database-unavailable', 'Service Unavailable', 'The database is not reachable; retry shortly.', undefined, { 'retry-after': '2' });
  }
  return undefined;
}

function isConnectionFailure(error: unknown): boolean {
  // A transaction whose connection died between two statements refuses the next one before it reaches
  // the database.
  if (error instanceof ConnectionLostError) return true;
  const message = (error as Error)?.message ?? '';
  return /ECONNREFUSED|ECONNRESET|Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(
    message,
  );
}
