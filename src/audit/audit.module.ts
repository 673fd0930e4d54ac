import { Module } from '@nestjs/common';
import { ShipmentsModule } from '../shipments/shipments.module';
import { AuditIntegrator } from './audit-integrator';
import { AuditLogRepository } from './audit-log.repository';
import { AuditRecorder } from './audit-recorder';
import { AuditController } from './audit.controller';
import { AuditService } from './audit.service';
import { AuditVerification } from './audit-verification.service';

@Module({
  imports: [ShipmentsModule],
  controllers: [AuditController],
  providers: [AuditService, AuditVerification, AuditLogRepository, AuditIntegrator, AuditRecorder],
})
export class AuditModule {}
