import { Module } from '@nestjs/common';
import { ExportsController } from './exports.controller';
import { ExportsRepository } from './exports.repository';
import { ExportsService } from './exports.service';
import { IatiActivitiesRepository } from './iati/iati-activities.repository';
import { IatiExportService } from './iati/iati-export.service';

@Module({
  controllers: [ExportsController],
  providers: [ExportsService, ExportsRepository, IatiExportService, IatiActivitiesRepository],
})
export class ExportsModule {}
