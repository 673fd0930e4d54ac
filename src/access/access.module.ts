import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { OrganizationsModule } from '../organizations/organizations.module';
import { AuthGuard } from './auth.guard';
import { FailedAuthLimiter } from './failed-auth-limiter';
import { TokensController } from './tokens.controller';
import { TokensRepository } from './tokens.repository';
import { TokensService } from './tokens.service';

@Module({
  imports: [OrganizationsModule],
  controllers: [TokensController],
  providers: [TokensService, TokensRepository, FailedAuthLimiter, { provide: APP_GUARD, useClass: AuthGuard }],
  exports: [TokensService],
})
export class AccessModule {}
