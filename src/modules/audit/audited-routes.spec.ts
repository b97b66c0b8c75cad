import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { RequestMethod } from '@nestjs/common';
import { AUDITED_READ } from '../auth/auth.decorators';
import { EvaluationRunsController, EvaluationStudentsController } from '../evaluation/evaluation.controller';
import { FitnessController } from '../fitness/fitness.controller';
import { GrowthController } from '../growth/growth.controller';
import { ActivityRecordsController, EvidenceController, TermRecordsController } from '../intake/intake.controller';
import { AppealsController } from '../review/appeals.controller';
import { IntegrityController } from '../review/integrity.controller';
import { ObjectionsController, PublicityController } from '../review/publicity.controller';
import { ReviewRecordsController } from '../review/review-records.controller';
import { AdmissionsController } from '../portfolios/admissions.controller';
import { PortfoliosController } from '../portfolios/portfolios.controller';
import { EnrolmentsController, StudentsController } from '../roster/roster.controller';

/**
 * Every read of student-level data by bureau and admissions users is audited (issue 3). The
 * interceptor audits routes marked @AuditedRead; this check fails when a GET route that returns
 * student-level data lacks the mark — add new student-level controllers to the list below.
 */
const STUDENT_LEVEL = /^\/?api\/(students|enrolments|term-records|activity-records|evidence|fitness\/results|growth\/students|review\/(records|integrity|objections|appeals|publicity-batches\/:id\/records)|portfolios|admissions\/applicants|evaluation\/students|evaluation\/runs\/:id\/(results|quota))/;
const CONTROLLERS = [StudentsController, EnrolmentsController, TermRecordsController, ActivityRecordsController, EvidenceController, FitnessController, GrowthController, ReviewRecordsController, IntegrityController, PublicityController, ObjectionsController, AppealsController, PortfoliosController, AdmissionsController, EvaluationRunsController, EvaluationStudentsController];

function getRoutes(controller: new (...args: never[]) => unknown): { path: string; audited: boolean }[] {
  const base = String(Reflect.getMetadata(PATH_METADATA, controller) ?? '');
  const prototype = controller.prototype as Record<string, unknown>;
  return Object.getOwnPropertyNames(prototype)
    .filter((name) => name !== 'constructor' && typeof prototype[name] === 'function')
    .filter((name) => Reflect.getMetadata(METHOD_METADATA, prototype[name] as object) === RequestMethod.GET)
    .map((name) => {
      const handler = prototype[name] as object;
      const sub = String(Reflect.getMetadata(PATH_METADATA, handler) ?? '');
      return { path: [base, sub].filter((part) => part !== '' && part !== '/').join('/'), audited: Reflect.getMetadata(AUDITED_READ, handler) !== undefined };
    });
}

describe('student-level reads are audited', () => {
  const routes = CONTROLLERS.flatMap((controller) => getRoutes(controller));

  it('finds the student-level GET routes', () => {
    expect(routes.filter((route) => STUDENT_LEVEL.test(route.path)).length).toBeGreaterThanOrEqual(12);
  });

  it('marks every one of them @AuditedRead', () => {
    expect(routes.filter((route) => STUDENT_LEVEL.test(route.path) && !route.audited).map((route) => route.path)).toEqual([]);
  });
});
