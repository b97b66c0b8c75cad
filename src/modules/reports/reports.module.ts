import { Module } from '@nestjs/common';
import { ExportsService } from './exports.service';
import { GrowthReportsService } from './growth-reports.service';
import { ExportsController, SchoolReportsController, ValueAddedReportsController } from './reports.controller';
import { ValueAddedReportsService } from './value-added-reports.service';

/** Read-only report views for the web UI and downloads of what it shows (issue 9; docs/web-ui.md). */
@Module({
  controllers: [ValueAddedReportsController, SchoolReportsController, ExportsController],
  providers: [ValueAddedReportsService, GrowthReportsService, ExportsService],
})
export class ReportsModule {}
