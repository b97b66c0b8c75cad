import type { FitnessGroupSummary, FitnessTargetCheck, FitnessYearOverYearChange, MyopiaScreeningSummary } from '../../../scoring-core';
import type { FitnessResultStatus } from '../entities/fitness-result.entity';
import type { StoredRetest } from '../fitness-results.service';
import type { AggregateLevel } from './fitness.dto';

/** One student's stored year result. */
export interface FitnessResultResponse {
  id: string;
  studentId: string;
  schoolId: string;
  classId: string | null;
  schoolYear: string;
  gradeCode: string | null;
  sex: 'M' | 'F' | null;
  status: FitnessResultStatus;
  bmi: number | null;
  bmiScore: number | null;
  measurements: Record<string, number>;
  itemScores: Record<string, number>;
  itemBonus: Record<string, number>;
  standardScore: number | null;
  bonus: number | null;
  total: number | null;
  level: string | null;
  missing: string[];
  reason: string | null;
  /** 免予执行 / 暂缓 with the reason recorded in the import; null when the year is not exempted. */
  exemption: { kind: 'exempt' | 'deferred'; reason: string | null } | null;
  /** The year's 补测, when one was recorded: applied or not and why, what it replaced, and the original result (ADR 0510). */
  retest: StoredRetest | null;
  standardVersion: string;
  engineVersion: string;
  computedAt: string;
}

export interface RecomputeSummary {
  schoolYear: string;
  schools: number;
  results: number;
  scored: number;
  incomplete: number;
  exempt: number;
  deferred: number;
  standardVersion: string;
}

/** The class, school, district or city a group row is about. */
export interface AggregateUnit {
  level: AggregateLevel;
  /** Class, school or region id; null for the city (the whole deployment). */
  id: string | null;
  code: string | null;
  name: string;
  schoolId?: string;
  gradeCode?: string;
}

export interface FitnessAggregateGroup {
  unit: AggregateUnit;
  summary: FitnessGroupSummary;
  targets: {
    2022: { passRate: FitnessTargetCheck; goodOrBetterRate: FitnessTargetCheck };
    2025: { passRate: FitnessTargetCheck; goodOrBetterRate: FitnessTargetCheck };
  };
  previous: FitnessGroupSummary | null;
  change: FitnessYearOverYearChange | null;
}

export interface FitnessAggregatesResponse {
  level: AggregateLevel;
  schoolYear: string;
  previousSchoolYear: string;
  gradeCode: string | null;
  sex: 'M' | 'F' | null;
  standardVersion: string;
  groups: FitnessAggregateGroup[];
}

export interface MyopiaGroup {
  unit: AggregateUnit;
  summary: MyopiaScreeningSummary;
  previous: MyopiaScreeningSummary | null;
  change: { changePoints: number | null; targetChangePoints: number; met: boolean | null } | null;
}

export interface MyopiaResponse {
  level: AggregateLevel;
  schoolYear: string;
  previousSchoolYear: string;
  gradeCode: string | null;
  sex: 'M' | 'F' | null;
  groups: MyopiaGroup[];
}
