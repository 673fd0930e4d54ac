import { Module } from '@nestjs/common';
import { OrganizationsModule } from '../organizations/organizations.module';
import { ShipmentEventsController } from './shipment-events.controller';
import { ShipmentEventsRepository } from './shipment-events.repository';
import { ShipmentEventsService } from './shipment-events.service';
import { ShipmentItemsRepository } from './shipment-items.repository';
import { ShipmentPartnersRepository } from './shipment-partners.repository';
import { ShipmentsController } from './shipments.controller';
import { ShipmentsRepository } from './shipments.repository';
import { ShipmentsService } from './shipments.service';

@Module({
  imports: [OrganizationsModule],
  controllers: [ShipmentsController, ShipmentEventsController],
  providers: [
    ShipmentsService,
    ShipmentEventsService,
    ShipmentsRepository,
    ShipmentPartnersRepository,
    ShipmentItemsRepository,
    ShipmentEventsRepository,
  ],
  exports: [ShipmentsRepository, ShipmentsService],
})
export class ShipmentsModule {}
