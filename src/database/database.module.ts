import { DynamicModule, Global, Module } from '@nestjs/common';
import { LedgerTransactions } from './ledger-transaction';
import { Database, DatabaseSettings } from './sql/database';

@Global()
@Module({})
export class DatabaseModule {
  static forRoot(settings: DatabaseSettings): DynamicModule {
    return {
      module: DatabaseModule,
      providers: [{ provide: Database, useFactory: () => Database.open(settings) }, LedgerTransactions],
      exports: [Database, LedgerTransactions],
    };
  }
}
