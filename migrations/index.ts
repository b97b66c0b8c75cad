import { CreateRoster1795934765723 } from './1795934765723-CreateRoster';
import { SeedGrades1795934766723 } from './1795934766723-SeedGrades';
import { CreateIntakeAndJobs1795936182705 } from './1795936182705-CreateIntakeAndJobs';
import { SeedIndicatorCatalogue1795936182800 } from './1795936182800-SeedIndicatorCatalogue';
import { DropTermRecordForeignKeys1795937983352 } from './1795937983352-DropTermRecordForeignKeys';
import { CreateAccessControl1795936423785 } from './1795936423785-CreateAccessControl';
import { AddFitnessResults1795938967401 } from './1795938967401-AddFitnessResults';
import { AddValueAddedStudies1795938951052 } from './1795938951052-AddValueAddedStudies';
import { AddGrowthRuns1795939770579 } from './1795939770579-AddGrowthRuns';
import { AddGrowthBaselineRun1795940720870 } from './1795940720870-AddGrowthBaselineRun';
import { AddGrowthPriorStandings1795941006064 } from './1795941006064-AddGrowthPriorStandings';
import { AddJobLeases1795944046416 } from './1795944046416-AddJobLeases';
import { AddRetestsAndExemptionReasons1795944400000 } from './1795944400000-AddRetestsAndExemptionReasons';
import { AddReviewWorkflow1795944500000 } from './1795944500000-AddReviewWorkflow';
import { AddPortfolios1795944600000 } from './1795944600000-AddPortfolios';
import { AddPortfolioEvents1795946638243 } from './1795946638243-AddPortfolioEvents';
import { AddSchoolEntrySource1795946700000 } from './1795946700000-AddSchoolEntrySource';
import { AddTransitionSequence1795946800000 } from './1795946800000-AddTransitionSequence';
import { AddEvaluation1795947800000 } from './1795947800000-AddEvaluation';
import { SeedDefaultRubric1795947800100 } from './1795947800100-SeedDefaultRubric';
import { PartitionTermRecords1795950100000 } from './1795950100000-PartitionTermRecords';
import { AddPortfolioRecordChanges1795955358269 } from './1795955358269-AddPortfolioRecordChanges';
import { AddTermRecordIndicatorIndex1795955920000 } from './1795955920000-AddTermRecordIndicatorIndex';
import { IndexStudentsBySchoolAndNumber1795956000000 } from './1795956000000-IndexStudentsBySchoolAndNumber';
import { IndexTermRecordIndicatorAsText1795957000000 } from './1795957000000-IndexTermRecordIndicatorAsText';
import { WriteSideFitnessFreshness1795965692398 } from './1795965692398-WriteSideFitnessFreshness';
import { FitnessResultsFollowTheRoster1795972000000 } from './1795972000000-FitnessResultsFollowTheRoster';
import { DropFitnessResultSetWatermark1795973000000 } from './1795973000000-DropFitnessResultSetWatermark';

/**
 * Every migration in order. Never edit a landed migration: add a new one
 * (`npm run wuyu -- migration:generate <VerbNoun>` writes the SQL the entities need).
 */
export const MIGRATIONS: Function[] = [CreateRoster1795934765723, SeedGrades1795934766723, CreateIntakeAndJobs1795936182705, SeedIndicatorCatalogue1795936182800, CreateAccessControl1795936423785, DropTermRecordForeignKeys1795937983352, AddValueAddedStudies1795938951052, AddFitnessResults1795938967401, AddGrowthRuns1795939770579, AddGrowthBaselineRun1795940720870, AddGrowthPriorStandings1795941006064, AddJobLeases1795944046416, AddRetestsAndExemptionReasons1795944400000, AddReviewWorkflow1795944500000, AddPortfolios1795944600000, AddPortfolioEvents1795946638243, AddSchoolEntrySource1795946700000, AddTransitionSequence1795946800000, AddEvaluation1795947800000, SeedDefaultRubric1795947800100, PartitionTermRecords1795950100000, AddPortfolioRecordChanges1795955358269, AddTermRecordIndicatorIndex1795955920000, IndexStudentsBySchoolAndNumber1795956000000, IndexTermRecordIndicatorAsText1795957000000, WriteSideFitnessFreshness1795965692398, FitnessResultsFollowTheRoster1795972000000, DropFitnessResultSetWatermark1795973000000];
