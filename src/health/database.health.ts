import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { Database } from '../database/sql/database';

/** The database answers a trivial statement within `timeout` ms. */
@Injectable()
export class DatabaseHealthIndicator {
  constructor(
    private readonly database: Database,
    private readonly health: HealthIndicatorService,
  ) {}

  pingCheck(key: string, options: { timeout: number }) {
    return this.health
      .check(key)
      .attempt(async () => {
        await this.database.query('SELECT 1');
      })
      .withTimeout(options.timeout);
  }
}
