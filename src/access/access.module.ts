import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { OrganizationsModule } from '../organizations/organizations.module';
import { AuthGuard } from './auth.guard';
import { BearerAuthenticator } from './bearer-authenticator';
import { FailedAuthLimiter } from './failed-auth-limiter';
import { TokensController } from './tokens.controller';
import { TokensRepository } from './tokens.repository';
import { TokensService } from './tokens.service';

@Module({
  imports: [OrganizationsModule],
  controllers: [TokensController],
  providers: [TokensService, TokensRepository, FailedAuthLimiter, BearerAuthenticator, { provide: APP_GUARD, useClass: AuthGuard }],
  exports: [TokensService, BearerAuthenticator],
})
export class AccessModule {}
