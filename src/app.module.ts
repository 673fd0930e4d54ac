import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_INTERCEPTOR } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LoggerModule } from 'nestjs-pino';
import { AccessModule } from './access/access.module';
import { AuditModule } from './audit/audit.module';
import { SigningKeyHolder } from './audit/signing-key.holder';
import { ProblemFilter } from './common/problem.filter';
import { IdempotencyInterceptor } from './common/idempotency/idempotency.interceptor';
import { AppConfig } from './config/app-config';
import { DatabaseModule } from './database/database.module';
import { dataSourceOptions } from './database/data-source';
import { HealthModule } from './health/health.module';
import { MetricsModule } from './metrics/metrics.module';
import { OrganizationsModule } from './organizations/organizations.module';
import { ShipmentsModule } from './shipments/shipments.module';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, databaseUrl: string, signingKey: SigningKeyHolder): DynamicModule {
    return {
      module: AppModule,
      global: true,
      imports: [
        LoggerModule.forRoot({
          pinoHttp: {
            level: config.LOG_LEVEL,
            redact: ['req.headers.authorization', 'req.headers.cookie'],
            customProps: (req) => ({ requestId: (req as { id?: string }).id }),
            autoLogging: { ignore: (req) => req.url === '/health/live' || req.url === '/metrics' },
          },
        }),
        TypeOrmModule.forRoot(dataSourceOptions(databaseUrl, config.DATABASE_POOL_SIZE)),
        DatabaseModule,
        AccessModule,
        OrganizationsModule,
        ShipmentsModule,
        HealthModule,
        MetricsModule,
        AuditModule,
      ],
      providers: [
        { provide: AppConfig, useValue: config },
        { provide: SigningKeyHolder, useValue: signingKey },
        { provide: APP_FILTER, useClass: ProblemFilter },
        { provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor },
      ],
      exports: [AppConfig, SigningKeyHolder],
    };
  }
}
