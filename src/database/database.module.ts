import { Global, Module } from '@nestjs/common';
import { LedgerTransactions } from './ledger-transaction';

@Global()
@Module({ providers: [LedgerTransactions], exports: [LedgerTransactions] })
export class DatabaseModule {}
