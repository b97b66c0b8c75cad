import { Enrolment } from '../modules/roster/entities/enrolment.entity';
import { Grade } from '../modules/roster/entities/grade.entity';
import { Region } from '../modules/roster/entities/region.entity';
import { SchoolClass } from '../modules/roster/entities/school-class.entity';
import { School } from '../modules/roster/entities/school.entity';
import { Student } from '../modules/roster/entities/student.entity';
import { Term } from '../modules/roster/entities/term.entity';
import { ImportBatch } from '../modules/imports/entities/import-batch.entity';
import { AuditEvent } from '../modules/audit/entities/audit-event.entity';
import { RefreshToken } from '../modules/auth/entities/refresh-token.entity';
import { RoleAssignment } from '../modules/auth/entities/role-assignment.entity';
import { User } from '../modules/auth/entities/user.entity';
import { ActivityRecord } from '../modules/intake/entities/activity-record.entity';
import { EvidenceFile } from '../modules/intake/entities/evidence-file.entity';
import { Indicator } from '../modules/intake/entities/indicator.entity';
import { RecordVersion } from '../modules/intake/entities/record-version.entity';
import { TermRecord } from '../modules/intake/entities/term-record.entity';
import { FitnessResultSet } from '../modules/fitness/entities/fitness-result-set.entity';
import { FitnessResult } from '../modules/fitness/entities/fitness-result.entity';
import { GrowthRun } from '../modules/growth/entities/growth-run.entity';
import { GrowthStudentResult } from '../modules/growth/entities/growth-student-result.entity';
import { Job } from '../modules/jobs/entities/job.entity';
import { ValueAddedGroupResult } from '../modules/value-added/entities/value-added-group-result.entity';
import { ValueAddedRun } from '../modules/value-added/entities/value-added-run.entity';
import { ValueAddedStudy } from '../modules/value-added/entities/value-added-study.entity';

/** Every entity, listed once: the app, the CLI, migrations and the drift check share this list. */
export const ENTITIES = [Region, School, Term, Grade, SchoolClass, Student, Enrolment, ImportBatch, Indicator, TermRecord, RecordVersion, ActivityRecord, EvidenceFile, Job, User, RoleAssignment, RefreshToken, AuditEvent, FitnessResult, FitnessResultSet, ValueAddedStudy, ValueAddedRun, ValueAddedGroupResult, GrowthRun, GrowthStudentResult] as const;
