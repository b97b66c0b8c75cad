import { Module } from '@nestjs/common';
import { FitnessAggregatesService } from './fitness-aggregates.service';
import { FitnessClassCountsService } from './fitness-class-counts.service';
import { FitnessController } from './fitness.controller';
import { FitnessResultsService } from './fitness-results.service';

/**
 * fitness: 国家学生体质健康标准 year results stored per student × school year (computed by the
 * scoring core from the term records' raw measurements, kept fresh against them), aggregates
 * per class/school/district/city against the plan's targets, and myopia screening rates, summed
 * from stored class counts that the writes mark for recounting (ADR 0922).
 */
@Module({
  controllers: [FitnessController],
  providers: [FitnessResultsService, FitnessClassCountsService, FitnessAggregatesService],
  exports: [FitnessResultsService],
})
export class FitnessModule {}
