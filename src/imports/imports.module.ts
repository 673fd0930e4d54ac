import { Module } from '@nestjs/common';
import { OrganizationsModule } from '../organizations/organizations.module';
import { ShipmentsModule } from '../shipments/shipments.module';
import { ImportsController } from './imports.controller';
import { ImportsService } from './imports.service';

@Module({
  imports: [ShipmentsModule, OrganizationsModule],
  controllers: [ImportsController],
  providers: [ImportsService],
})
export class ImportsModule {}
