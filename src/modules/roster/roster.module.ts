import { Module } from '@nestjs/common';
import {
  ClassesController,
  EnrolmentsController,
  GradesController,
  RegionsController,
  SchoolsController,
  StudentsController,
  TermsController,
} from './roster.controller';
import { RosterService } from './roster.service';

@Module({
  controllers: [RegionsController, SchoolsController, TermsController, GradesController, ClassesController, StudentsController, EnrolmentsController],
  providers: [RosterService],
  exports: [RosterService],
})
export class RosterModule {}
