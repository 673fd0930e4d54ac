import { databaseProblem } from '../../src/common/database-errors';
import { ConnectionLostError } from '../../src/database/sql/sql-transaction';

describe('databaseProblem', () => {
  it('answers a query the database gave up on with 503 and Retry-After, not 500', () => {
    for (const error of [Object.assign(new Error('canceling statement due to statement timeout'), { code: '57014' }), new Error('Query read timeout')]) {
      const problem = databaseProblem(error);
      expect(problem).toMatchObject({ status: 503, code: 'database-busy' });
      expect(problem?.headers).toEqual({ 'retry-after': '5' });
    }
  });

  it('answers a database that is away with 503', () => {
    // The last one: a transaction's next statement after its connection died (a create during a database
    // restart, in database-restart.e2e-spec).
    for (const error of [
      Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }),
      new Error('connect ECONNREFUSED 127.0.0.1:5432'),
      new ConnectionLostError(),
    ]) {
      expect(databaseProblem(error)).toMatchObject({ status: 503, code: 'database-unavailable' });
    }
  });

  it('maps known constraints and leaves anything else to the 500 handler', () => {
    expect(databaseProblem(Object.assign(new Error('duplicate key'), { code: '23505', constraint: 'shipment_reference_unique' }))).toMatchObject({ status: 409 });
    expect(databaseProblem(Object.assign(new Error('division by zero'), { code: '22012' }))).toBeUndefined();
  });
});
