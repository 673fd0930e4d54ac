import { Module } from '@nestjs/common';
import { OrganizationsModule } from '../organizations/organizations.module';
import { ShipmentEventsController } from './shipment-events.controller';
import { ShipmentEventsService } from './shipment-events.service';
import { ShipmentsController } from './shipments.controller';
import { ShipmentsRepository } from './shipments.repository';
import { ShipmentsService } from './shipments.service';

@Module({
  imports: [OrganizationsModule],
  controllers: [ShipmentsController, ShipmentEventsController],
  providers: [ShipmentsService, ShipmentEventsService, ShipmentsRepository],
  exports: [ShipmentsRepository, ShipmentsService],
})
export class ShipmentsModule {}
