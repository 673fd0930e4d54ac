import { Module } from '@nestjs/common';
import { ShipmentsModule } from '../shipments/shipments.module';
import { ImportsController } from './imports.controller';
import { ImportsService } from './imports.service';

@Module({
  imports: [ShipmentsModule],
  controllers: [ImportsController],
  providers: [ImportsService],
})
export class ImportsModule {}
