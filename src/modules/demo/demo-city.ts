import { FITNESS_STANDARD_2014 } from '../../scoring-core/fitness/standard-2014.data';
import { SeededRandom } from '../../scoring-core/seeded-random';
import { ETHNICITY_CODES } from '../roster/code-lists';
import { idNumberCheckCharacter } from '../roster/student-number';
import { chineseNumber, ETHNICITY_WEIGHTS, GIVEN_FEMALE, GIVEN_MALE, MONGOLIAN_FEMALE, MONGOLIAN_MALE, SCHOOL_STEMS, SURNAMES } from './demo-names';

/**
 * The demo city (issue 8): a deterministic simulation of a city shaped like 乌海's education
 * plan — three districts, primary, junior, senior, nine-year and vocational schools, three
 * school years of terms — written out as the files schools upload (ADR 0900).
 *
 * Pure: no clock, no Math.random, no I/O. Every random draw comes from a SeededRandom stream
 * named after its purpose (`stream('scores')`), so the same seed and scale give the same rows,
 * and adding a new kind of record never changes the rows of another.
 *
 * What is simulated, per student: a persistent latent attainment A (z units) with per-subject
 * offsets; each term A grows by half the school's true yearly effect plus noise, and every
 * exam observes A + offset + measurement noise. School effects (the "truth" value-added should
 * recover) and intake means are drawn once per school and returned in `truth`. Fitness raw
 * results are drawn through the 2014 standard's own tables for the student's grade and sex, so
 * the scored year totals land near real rates (合格率 ≈ 90%, 优良率 ≈ 35%). Myopia prevalence
 * rises with grade and falls a little each year. Transitions: P6 → a junior school of the
 * district (nine-year schools keep theirs), J3 → senior schools by 中考 results (≈60%) or the
 * vocational school (≈15%), the rest leave; class moves, transfers and 转出 happen at low rates.
 */

export const DEMO_SCALES = ['small', 'district', 'city'] as const;
export type DemoScale = (typeof DEMO_SCALES)[number];

export const DEMO_FIRST_SCHOOL_YEAR = 2023;
export const DEMO_SCHOOL_YEARS = 3;

export const DEMO_GRADES = ['P1', 'P2', 'P3', 'P4', 'P5', 'P6', 'J1', 'J2', 'J3', 'S1', 'S2', 'S3'] as const;
/** How schools write the grade in their files (the roster import's aliases). */
const GRADE_NAMES_ZH = ['一年级', '二年级', '三年级', '四年级', '五年级', '六年级', '初一', '初二', '初三', '高一', '高二', '高三'];

export type DemoImportKind = 'roster' | 'scores' | 'fitness' | 'vision' | 'art' | 'labour' | 'activities' | 'applications';
export type DemoStage = 'primary' | 'junior' | 'senior' | 'nine_year' | 'vocational';

/** The template headers of each import kind (docs/import-format.md), in file order. */
export const DEMO_HEADERS: Readonly<Record<DemoImportKind, readonly string[]>> = {
  roster: ['学籍号', '姓名', '性别', '出生日期', '民族', '学校标识码', '年级', '班级', '学年学期', '学籍状态'],
  scores: ['学籍号', '姓名', '学年学期', '科目', '考试类型', '考试日期', '成绩', '满分'],
  fitness: ['学籍号', '姓名', '学年学期', '测试日期', '身高', '体重', '肺活量', '50米跑', '坐位体前屈', '一分钟跳绳', '一分钟仰卧起坐', '50米×8往返跑', '立定跳远', '引体向上', '800米跑', '1000米跑'],
  vision: ['学籍号', '姓名', '学年学期', '筛查日期', '左眼裸眼视力', '右眼裸眼视力'],
  art: ['学籍号', '姓名', '学年学期', '测评日期', '基础指标', '学业指标', '发展指标'],
  labour: ['学籍号', '姓名', '学年学期', '类别', '劳动项目', '时长', '日期', '确认人'],
  activities: ['学籍号', '姓名', '学年学期', '维度', '记录类型', '标题', '级别', '角色', '开始日期', '结束日期', '时长', '地点', '组织单位', '获奖等次'],
  applications: ['学籍号', '姓名', '报考学校标识码', '录取批次', '申请日期'],
};

/** The admission batch the 初三 students of the last school year apply in (the loader sets it up, as the city does). */
export const DEMO_ADMISSIONS_BATCH = { code: '2026-普高统招', name: '2026年普通高中统一招生', opensOn: '2026-05-01' } as const;

export interface DemoRegion {
  code: string;
  name: string;
  level: 'city' | 'district';
  parentCode: string | null;
}

export interface DemoSchool {
  code: string;
  name: string;
  stage: DemoStage;
  regionCode: string;
  /** Mean latent attainment of the school's intake (z). */
  intakeMean: number;
  /** True school effect: latent attainment (z) added per school year, the value value-added estimates. */
  effectPerYear: number;
  /** Fitness effect on the item scores (points), for the fitness dashboards' spread. */
  fitnessEffect: number;
}

export interface DemoTerm {
  code: string;
  schoolYear: string;
  startDate: string;
  endDate: string;
}

export interface DemoFile {
  id: string;
  kind: DemoImportKind;
  /** Relative path inside the output directory. */
  path: string;
  termCode: string;
  rows: number;
}

export interface DemoEvidence {
  studentNumber: string;
  termCode: string;
  title: string;
  startDate: string;
  fileName: string;
  bytes: Buffer;
}

/** Whom the demo accounts are for; the loader resolves these codes to ids. */
export interface DemoAccountTargets {
  districtCode: string;
  schoolCode: string;
  teacherClass: { schoolCode: string; schoolYear: string; gradeCode: string; name: string };
  studentNumber: string;
  admissionsSchoolCode: string;
}

export interface DemoCity {
  seed: number;
  scale: DemoScale;
  regions: DemoRegion[];
  schools: DemoSchool[];
  terms: DemoTerm[];
  files: DemoFile[];
  evidence: DemoEvidence[];
  accounts: DemoAccountTargets;
  counts: { students: number; studentsInLastTerm: number; rows: number; rowsByKind: Record<string, number> };
}

/** Receives every generated row; the file writer implements it. Rows of one file arrive in order. */
export type DemoRowSink = (file: DemoFile, cells: readonly string[]) => void;

interface ScalePlan {
  /** Schools per district: [primary, junior, senior, nine_year, vocational]. */
  schoolsPerDistrict: readonly (readonly [number, number, number, number, number])[];
  classSize: number;
  /** Classes per grade by stage (before random variation). */
  classes: Readonly<Record<DemoStage, number>>;
  midterms: boolean;
  /** How many of the last school years get fitness, vision, art, labour and 写实记录 files. */
  recordYears: number;
  /** 期末 subjects (indexes into SUBJECTS; 'grade' = 语文, 数学 and, from 三年级, 英语) in the last school year and in the earlier ones. */
  finalSubjectsLastYear: 'grade' | readonly number[];
  finalSubjectsEarlier: 'grade' | readonly number[];
  /** 中考 (初三) and 学业水平考试 (高二) papers. */
  zhongkaoSubjects: readonly number[];
  proficiencySubjects: readonly number[];
  /** Terms with a 劳动清单 file; labour items per student and term (upper bound); 写实记录 per student and term (mean). */
  labourTerms: readonly (1 | 2)[];
  labourItems: number;
  activityRate: number;
  evidenceLimit: number;
}

const PLANS: Readonly<Record<DemoScale, ScalePlan>> = {
  small: {
    schoolsPerDistrict: [[1, 1, 1, 0, 1], [1, 0, 0, 1, 0], [0, 1, 0, 0, 0]],
    classSize: 8,
    classes: { primary: 2, junior: 2, senior: 2, nine_year: 1, vocational: 1 },
    midterms: false,
    recordYears: 3,
    finalSubjectsLastYear: 'grade',
    finalSubjectsEarlier: 'grade',
    zhongkaoSubjects: [0, 1, 2, 3, 4, 5],
    proficiencySubjects: [3, 4, 6, 7, 8],
    labourTerms: [1, 2],
    labourItems: 2,
    activityRate: 1.2,
    evidenceLimit: 60,
  },
  district: {
    schoolsPerDistrict: [[3, 2, 1, 1, 1], [2, 1, 1, 1, 0], [2, 1, 0, 1, 0]],
    classSize: 40,
    classes: { primary: 3, junior: 5, senior: 8, nine_year: 2, vocational: 8 },
    midterms: false,
    recordYears: 2,
    finalSubjectsLastYear: 'grade',
    finalSubjectsEarlier: 'grade',
    zhongkaoSubjects: [0, 1, 2, 3, 4, 5],
    proficiencySubjects: [3, 4, 6, 7, 8],
    labourTerms: [1, 2],
    labourItems: 2,
    activityRate: 0.8,
    evidenceLimit: 200,
  },
  city: {
    schoolsPerDistrict: [[14, 5, 3, 3, 1], [10, 4, 2, 3, 0], [8, 3, 1, 3, 0]],
    classSize: 40,
    classes: { primary: 4, junior: 6, senior: 10, nine_year: 2, vocational: 16 },
    midterms: false,
    recordYears: 1,
    // The budget of a load within a minute (ADR 0900): 语文 and 数学 in the last year, 数学 before it.
    finalSubjectsLastYear: [0, 1],
    finalSubjectsEarlier: [1],
    zhongkaoSubjects: [0, 1, 2, 3],
    proficiencySubjects: [3, 4, 6],
    labourTerms: [2],
    labourItems: 1,
    activityRate: 0.4,
    evidenceLimit: 300,
  },
};

const CITY: DemoRegion = { code: '150300', name: '乌海市', level: 'city', parentCode: null };
const DISTRICTS: readonly DemoRegion[] = [
  { code: '150302', name: '海勃湾区', level: 'district', parentCode: '150300' },
  { code: '150303', name: '乌达区', level: 'district', parentCode: '150300' },
  { code: '150304', name: '海南区', level: 'district', parentCode: '150300' },
];
const STAGE_ORDER: readonly DemoStage[] = ['primary', 'junior', 'senior', 'nine_year', 'vocational'];
const STAGE_GRADES: Readonly<Record<DemoStage, readonly number[]>> = {
  primary: [0, 1, 2, 3, 4, 5],
  junior: [6, 7, 8],
  senior: [9, 10, 11],
  nine_year: [0, 1, 2, 3, 4, 5, 6, 7, 8],
  vocational: [9, 10, 11],
};

const SUBJECTS = ['语文', '数学', '英语', '物理', '化学', '道德与法治', '生物', '历史', '地理'] as const;

/** A named, independent random stream: hash(label) mixed with the seed. */
function streamOf(seed: number, label: string): SeededRandom {
  let hash = 2166136261;
  for (let index = 0; index < label.length; index += 1) hash = Math.imul(hash ^ label.charCodeAt(index), 16777619) >>> 0;
  return new SeededRandom((hash ^ Math.imul(seed >>> 0, 2654435761)) >>> 0);
}

function pickWeighted<T>(random: SeededRandom, items: readonly (readonly [T, number])[], total: number): T {
  let draw = random.nextUniform() * total;
  for (const [item, weight] of items) {
    draw -= weight;
    if (draw < 0) return item;
  }
  return items[items.length - 1][0];
}

const clamp = (value: number, low: number, high: number) => Math.min(high, Math.max(low, value));
const pad2 = (value: number) => String(value).padStart(2, '0');
const isoDate = (year: number, month: number, day: number) => `${year}-${pad2(month)}-${pad2(day)}`;

function addDays(date: string, days: number): string {
  const time = Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10))) + days * 86_400_000;
  const d = new Date(time);
  return isoDate(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate());
}

function daysBetween(from: string, to: string): number {
  const at = (date: string) => Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10)));
  return Math.round((at(to) - at(from)) / 86_400_000);
}

interface Student {
  number: string;
  name: string;
  male: boolean;
  birthDate: string;
  ethnicity: string;
  school: number;
  grade: number;
  className: string;
  /** Latent attainment and per-subject offsets. */
  attainment: number;
  subject: number[];
  fitness: number;
  heightZ: number;
  myopiaDraw: number;
  art: number;
  /** 转出 during the term, 毕业 at the end of the last one; either way the student leaves. */
  status: 'enrolled' | 'transferred_out' | 'graduated';
  /** Mean z of this year's 中考 papers (J3). */
  zhongkao: number;
  /** The senior or vocational school that admitted a J3 student, from the next school year. */
  nextSchool: number | null;
}

interface SchoolPlan extends DemoSchool {
  districtIndex: number;
  classesPerGrade: number;
  /** Senior schools: rank by selectivity (0 = most selective). */
  selectivity: number;
}

export function demoPlan(scale: DemoScale): ScalePlan {
  return PLANS[scale];
}

function buildSchools(seed: number, plan: ScalePlan): SchoolPlan[] {
  const random = streamOf(seed, 'schools');
  const stems = [...SCHOOL_STEMS];
  const takeStem = () => stems.splice(random.nextInt(stems.length), 1)[0];
  const schools: SchoolPlan[] = [];
  let seniorRank = 0;
  DISTRICTS.forEach((district, districtIndex) => {
    const counts = plan.schoolsPerDistrict[districtIndex];
    let sequence = 1;
    STAGE_ORDER.forEach((stage, stageIndex) => {
      for (let n = 0; n < counts[stageIndex]; n += 1) {
        const stem = takeStem();
        const name =
          stage === 'primary' ? `${district.name}${stem}小学`
          : stage === 'junior' ? `${district.name}${stem}中学`
          : stage === 'senior' ? `乌海市${stem}高级中学`
          : stage === 'nine_year' ? `${district.name}${stem}学校`
          : `乌海市${stem}职业技术学校`;
        const variation = stage === 'primary' || stage === 'junior' ? random.nextInt(3) - 1 : 0;
        schools.push({
          code: `31${district.code}${pad2(sequence)}`,
          name,
          stage,
          regionCode: district.code,
          districtIndex,
          classesPerGrade: Math.max(1, plan.classes[stage] + variation),
          intakeMean: stage === 'senior' || stage === 'vocational' ? 0 : Math.round(random.nextNormal() * 0.25 * 1000) / 1000,
          effectPerYear: Math.round(random.nextNormal() * 0.15 * 1000) / 1000,
          fitnessEffect: Math.round(random.nextNormal() * 3 * 100) / 100,
          selectivity: stage === 'senior' ? seniorRank++ : 0,
        });
        sequence += 1;
      }
    });
  });
  return schools;
}

function buildTerms(): DemoTerm[] {
  const terms: DemoTerm[] = [];
  for (let y = 0; y < DEMO_SCHOOL_YEARS; y += 1) {
    const first = DEMO_FIRST_SCHOOL_YEAR + y;
    const schoolYear = `${first}-${first + 1}`;
    terms.push({ code: `${schoolYear}-1`, schoolYear, startDate: isoDate(first, 9, 1), endDate: isoDate(first + 1, 1, 20) });
    terms.push({ code: `${schoolYear}-2`, schoolYear, startDate: isoDate(first + 1, 2, 20), endDate: isoDate(first + 1, 7, 10) });
  }
  return terms;
}

// ───────────────────────────── fitness through the standard's tables ─────────────────────────────

type ItemTable = (typeof FITNESS_STANDARD_2014.itemTables)[number];
const FITNESS_COLUMNS = ['vital_capacity', 'run_50m', 'sit_and_reach', 'rope_skip_1min', 'sit_up_1min', 'shuttle_50mx8', 'standing_long_jump', 'pull_up', 'run_800m', 'run_1000m'] as const;
const ITEM_UNIT: Readonly<Record<string, number>> = { vital_capacity: 1, run_50m: 0.1, sit_and_reach: 0.1, rope_skip_1min: 1, sit_up_1min: 1, shuttle_50mx8: 1, standing_long_jump: 1, pull_up: 1, run_800m: 1, run_1000m: 1 };
const ITEM_BOUNDS: Readonly<Record<string, [number, number]>> = {
  vital_capacity: [100, 10000], run_50m: [5, 30], sit_and_reach: [-40, 40], rope_skip_1min: [0, 300], sit_up_1min: [0, 100], shuttle_50mx8: [60, 400],
  standing_long_jump: [30, 400], pull_up: [0, 80], run_800m: [90, 900], run_1000m: [120, 900],
};
/** Raw units beyond the 100-point threshold per point of "target" above 100 (bonus items; negative = faster). */
const BONUS_UNITS_PER_POINT: Readonly<Record<string, number>> = { rope_skip_1min: 2.5, pull_up: 0.3, sit_up_1min: 0.4, run_800m: -1.5, run_1000m: -1.2 };

interface FitnessProfile {
  items: { code: string; table: ItemTable }[];
  bmiBands: { band: string; min: number | null; max: number | null }[];
}
const fitnessProfiles = new Map<string, FitnessProfile>();
function fitnessProfile(grade: string, male: boolean): FitnessProfile {
  if (fitnessProfiles.size === 0) {
    for (const entry of FITNESS_STANDARD_2014.grades) {
      const items = entry.scoredItems
        .filter((item) => item !== 'bmi')
        .map((code) => ({ code, table: FITNESS_STANDARD_2014.itemTables.find((t) => t.grade === entry.grade && t.sex === entry.sex && t.item === code)! }));
      const bmi = FITNESS_STANDARD_2014.bmiTables.find((t) => t.grade === entry.grade && t.sex === entry.sex)!;
      fitnessProfiles.set(`${entry.grade}|${entry.sex}`, { items, bmiBands: bmi.bands.map((b) => ({ band: b.band, min: b.min, max: b.max })) });
    }
  }
  return fitnessProfiles.get(`${grade}|${male ? 'M' : 'F'}`)!;
}

/** A raw result whose item score is the highest step at or below `target` (jittered inside the step). */
export function rawResultForScore(code: string, table: ItemTable, target: number, random: SeededRandom): number {
  const { scores, thresholds } = table;
  const higher = table.direction === 'higher_better';
  const unit = ITEM_UNIT[code];
  const quantise = (value: number) => {
    const steps = higher ? Math.floor(value / unit + 1e-9) : Math.ceil(value / unit - 1e-9);
    return Math.round(steps * unit * 10) / 10;
  };
  let value: number;
  const index = scores.findIndex((score) => score <= target);
  if (index === 0) {
    const beyond = Math.max(0, target - 100) * (BONUS_UNITS_PER_POINT[code] ?? 0);
    value = quantise(thresholds[0] + beyond + (higher ? random.nextUniform() * unit : -random.nextUniform() * unit));
    if (higher ? value < thresholds[0] : value > thresholds[0]) value = thresholds[0];
  } else if (index === -1) {
    const last = thresholds.length - 1;
    const gap = Math.abs(thresholds[last - 1] - thresholds[last]) || unit;
    const worse = gap * (0.5 + random.nextUniform());
    value = quantise(higher ? thresholds[last] - worse : thresholds[last] + worse);
    if (higher ? value >= thresholds[last] : value <= thresholds[last]) value = higher ? thresholds[last] - unit : thresholds[last] + unit;
  } else {
    const at = thresholds[index];
    const better = thresholds[index - 1];
    value = quantise(at + (better - at) * random.nextUniform() * 0.95);
    if (higher ? value < at : value > at) value = at;
  }
  const [low, high] = ITEM_BOUNDS[code];
  return Math.round(clamp(value, low, high) * 10) / 10;
}

const HEIGHT_BOYS = [126, 132, 137, 142, 148, 155, 162, 167, 170, 172, 173, 173];
const HEIGHT_GIRLS = [125, 131, 136, 142, 149, 154, 157, 158.5, 159.5, 160, 160.5, 160.5];
function heightFor(male: boolean, age: number, z: number): number {
  const table = male ? HEIGHT_BOYS : HEIGHT_GIRLS;
  const position = clamp(age - 7, 0, table.length - 1);
  const low = Math.floor(position);
  const high = Math.min(table.length - 1, low + 1);
  const mean = table[low] + (table[high] - table[low]) * (position - low);
  return Math.round((mean + 5.5 * z) * 10) / 10;
}

/** 50 m as 9.8; longer runs as 3:55 (one of the spellings the import accepts). */
function formatSeconds(seconds: number, code: string): string {
  if (code === 'run_50m') return seconds.toFixed(1);
  const minutes = Math.floor(seconds / 60);
  return `${minutes}:${pad2(Math.round(seconds - minutes * 60))}`;
}

// ───────────────────────────── 写实记录 and labour vocabularies ─────────────────────────────

interface ActivityTemplate {
  dimension: string;
  recordType: string;
  title: string;
  hours: [number, number];
  days: number;
  organiser: string;
  award?: boolean;
  minGrade: number;
}
const ACTIVITIES: readonly ActivityTemplate[] = [
  { dimension: '德', recordType: '志愿服务', title: '社区敬老院志愿服务', hours: [2, 8], days: 1, organiser: '校团委', minGrade: 3 },
  { dimension: '德', recordType: '志愿服务', title: '文明交通志愿岗', hours: [2, 6], days: 1, organiser: '少先队大队部', minGrade: 2 },
  { dimension: '德', recordType: '志愿服务', title: '图书馆整理志愿服务', hours: [2, 4], days: 1, organiser: '校团委', minGrade: 4 },
  { dimension: '德', recordType: '主题教育', title: '清明祭英烈主题活动', hours: [2, 3], days: 1, organiser: '德育处', minGrade: 0 },
  { dimension: '德', recordType: '主题教育', title: '国家安全教育日主题班会', hours: [1, 2], days: 1, organiser: '班主任', minGrade: 0 },
  { dimension: '智', recordType: '研究性学习', title: '黄河湿地鸟类调查研究', hours: [10, 30], days: 40, organiser: '生物教研组', minGrade: 6 },
  { dimension: '智', recordType: '研究性学习', title: '校园植物分类小课题', hours: [6, 16], days: 30, organiser: '科学教研组', minGrade: 3 },
  { dimension: '智', recordType: '获奖', title: '数学思维竞赛', hours: [2, 3], days: 1, organiser: '区教育局', award: true, minGrade: 3 },
  { dimension: '智', recordType: '获奖', title: '青少年科技创新大赛', hours: [8, 20], days: 1, organiser: '市科协', award: true, minGrade: 5 },
  { dimension: '智', recordType: '获奖', title: '英语演讲比赛', hours: [2, 4], days: 1, organiser: '外语教研组', award: true, minGrade: 4 },
  { dimension: '体', recordType: '体育竞赛', title: '校运动会4×100米接力', hours: [2, 4], days: 1, organiser: '体育组', minGrade: 2 },
  { dimension: '体', recordType: '体育竞赛', title: '区中小学生篮球联赛', hours: [6, 12], days: 5, organiser: '区教育局', award: true, minGrade: 4 },
  { dimension: '体', recordType: '体育锻炼', title: '冬季长跑打卡', hours: [10, 30], days: 60, organiser: '体育组', minGrade: 3 },
  { dimension: '美', recordType: '艺术实践', title: '校合唱团新年音乐会', hours: [4, 10], days: 1, organiser: '艺术教研组', minGrade: 1 },
  { dimension: '美', recordType: '艺术实践', title: '书法作品展', hours: [2, 6], days: 3, organiser: '美术组', minGrade: 2 },
  { dimension: '美', recordType: '获奖', title: '中小学生艺术展演', hours: [6, 16], days: 2, organiser: '市教育局', award: true, minGrade: 3 },
  { dimension: '劳', recordType: '社会实践', title: '葡萄园采摘劳动实践', hours: [3, 6], days: 1, organiser: '德育处', minGrade: 3 },
  { dimension: '劳', recordType: '社会实践', title: '黄河湿地公园环保实践', hours: [3, 6], days: 1, organiser: '校团委', minGrade: 5 },
  { dimension: '劳', recordType: '劳动周', title: '校园劳动周', hours: [8, 15], days: 5, organiser: '劳动教育教研组', minGrade: 0 },
];
const ACTIVITY_LEVELS: readonly (readonly [string, number])[] = [['校', 60], ['区县', 25], ['市', 11], ['省', 3], ['国家', 1]];
const ACTIVITY_ROLES: readonly (readonly [string, number])[] = [['参与者', 70], ['主要参与者', 24], ['主持策划者', 6]];
const AWARD_RANKS: readonly (readonly [string, number])[] = [['一等奖', 15], ['二等奖', 30], ['三等奖', 40], ['优秀奖', 15]];

const LABOUR_ITEMS: Readonly<Record<string, readonly string[]>> = {
  家庭: ['整理房间', '洗碗', '做一顿家常饭', '洗晾衣物', '打扫卫生', '照顾家中老人'],
  学校: ['班级值日', '校园绿化养护', '食堂帮厨', '图书角整理'],
  社会: ['社区卫生清扫', '植树活动', '农田劳动体验', '垃圾分类宣传'],
};
const LABOUR_ATTESTERS: Readonly<Record<string, string>> = { 家庭: '家长', 学校: '班主任', 社会: '社区工作人员' };

// ───────────────────────────── the simulation ─────────────────────────────

/**
 * Generates the demo city for `seed` at `scale`, handing every row to `sink`. Returns the
 * reference data (regions, schools, terms), the file list in load order (all roster files
 * first, then the records) with row counts, the evidence placeholders and the targets of the
 * demo accounts.
 */
export function generateDemoCity(seed: number, scale: DemoScale, sink: DemoRowSink): DemoCity {
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new RangeError(`the seed must be an integer 0–4294967295, got ${seed}`);
  const plan = PLANS[scale];
  const schools = buildSchools(seed, plan);
  const terms = buildTerms();
  const files: DemoFile[] = [];
  const fileById = new Map<string, DemoFile>();
  const rowsByKind: Record<string, number> = {};
  const fileOf = (kind: DemoImportKind, termCode: string, suffix = ''): DemoFile => {
    const id = `${kind}-${termCode}${suffix}`;
    let file = fileById.get(id);
    if (!file) {
      file = { id, kind, path: `${kind}/${termCode}${suffix}.csv`, termCode, rows: 0 };
      files.push(file);
      fileById.set(id, file);
    }
    return file;
  };
  const emit = (file: DemoFile, cells: readonly string[]) => {
    file.rows += 1;
    rowsByKind[file.kind] = (rowsByKind[file.kind] ?? 0) + 1;
    sink(file, cells);
  };

  const people = streamOf(seed, 'people');
  const moves = streamOf(seed, 'moves');
  const growth = streamOf(seed, 'growth');
  const exams = streamOf(seed, 'exams');
  const fitnessRandom = streamOf(seed, 'fitness');
  const visionRandom = streamOf(seed, 'vision');
  const artRandom = streamOf(seed, 'art');
  const labourRandom = streamOf(seed, 'labour');
  const activityRandom = streamOf(seed, 'activities');
  const surnameTotal = SURNAMES.reduce((sum, [, w]) => sum + w, 0);
  const ethnicityTotal = ETHNICITY_WEIGHTS.reduce((sum, [, w]) => sum + w, 0);
  const sequenceOf = new Map<string, number>();
  let studentCount = 0;

  const newStudent = (school: number, grade: number, schoolYearStart: number, attainment: number): Student => {
    const male = people.nextUniform() < 0.515;
    const older = people.nextUniform() < 0.03 ? 1 : 0;
    const birthDate = addDays(isoDate(schoolYearStart - 7 - grade - older, 9, 1), people.nextInt(365));
    const ethnicity = pickWeighted(people, ETHNICITY_WEIGHTS, ethnicityTotal);
    // 15039x is no GB/T 2260 code, so a generated number is never a real person's ID number.
    const region = `15039${schools[school].regionCode[5]}`;
    const key = `${region}${birthDate}${male ? 1 : 2}`;
    const taken = sequenceOf.get(key) ?? 0;
    sequenceOf.set(key, taken + 1);
    const sequence = String(taken * 2 + (male ? 1 : 2)).padStart(3, '0');
    const first17 = `${region}${birthDate.replace(/-/g, '')}${sequence}`;
    const prefix = people.nextUniform() < 0.015 ? 'J' : 'G';
    let name: string;
    if (ethnicity === '02' && people.nextUniform() < 0.6) {
      const pool = male ? MONGOLIAN_MALE : MONGOLIAN_FEMALE;
      name = pool[people.nextInt(pool.length)];
    } else {
      const pool = male ? GIVEN_MALE : GIVEN_FEMALE;
      const given = people.nextUniform() < 0.25 ? pool[people.nextInt(pool.length)] : `${pool[people.nextInt(pool.length)]}${pool[people.nextInt(pool.length)]}`;
      name = `${pickWeighted(people, SURNAMES, surnameTotal)}${given}`;
    }
    studentCount += 1;
    return {
      number: `${prefix}${first17}${idNumberCheckCharacter(first17)}`,
      name,
      male,
      birthDate,
      ethnicity,
      school,
      grade,
      className: '',
      attainment,
      subject: SUBJECTS.map(() => people.nextNormal() * 0.45),
      fitness: people.nextNormal(),
      heightZ: people.nextNormal(),
      myopiaDraw: people.nextUniform(),
      art: people.nextNormal(),
      status: 'enrolled',
      zhongkao: 0,
      nextSchool: null,
    };
  };

  /** Students entering a grade of a school together get classes of about classSize, round robin. */
  const assignClasses = (entrants: Student[], classes?: number) => {
    const count = classes ?? Math.max(1, Math.round(entrants.length / plan.classSize));
    const order = entrants.map((s, i) => [moves.nextUniform(), i] as const).sort((a, b) => a[0] - b[0]);
    order.forEach(([, i], position) => {
      entrants[i].className = `${(position % count) + 1}班`;
    });
  };

  // Year 0: every school and grade filled at its steady-state size.
  let students: Student[] = [];
  const seniors = schools.map((s, i) => [s, i] as const).filter(([s]) => s.stage === 'senior');
  const firstYear = DEMO_FIRST_SCHOOL_YEAR;
  schools.forEach((school, index) => {
    for (const grade of STAGE_GRADES[school.stage]) {
      const classes = school.stage === 'nine_year' && grade >= 6 ? school.classesPerGrade + 1 : school.classesPerGrade;
      const size = Math.max(1, Math.round(classes * plan.classSize * (0.95 + people.nextUniform() * 0.1)));
      let mean = school.intakeMean;
      let spread = 0.95;
      if (school.stage === 'senior') {
        mean = 1.0 - (0.5 * school.selectivity) / Math.max(1, seniors.length - 1);
        spread = 0.6;
      } else if (school.stage === 'vocational') {
        mean = -0.8;
        spread = 0.6;
      }
      const cohort: Student[] = [];
      for (let n = 0; n < size; n += 1) cohort.push(newStudent(index, grade, firstYear, mean + people.nextNormal() * spread));
      assignClasses(cohort, classes);
      students.push(...cohort);
    }
  });

  const evidence: DemoEvidence[] = [];
  let lastTermStudents = 0;

  const classesOf = () => {
    const map = new Map<string, string[]>();
    for (const student of students) {
      const key = `${student.school}|${student.grade}`;
      const list = map.get(key) ?? [];
      if (!list.includes(student.className)) list.push(student.className);
      map.set(key, list);
    }
    for (const list of map.values()) list.sort();
    return map;
  };

  /**
   * 报考申请 of the last year's 初三: by 中考 standing, the stronger ≈60% apply to a senior school
   * (the more selective the higher they stand; about a third add a second choice), the next
   * ≈15% to the vocational school. Applied in May, before 中考.
   */
  const applicationRandom = streamOf(seed, 'applications');
  const emitApplications = (sorted: readonly Student[], term: DemoTerm) => {
    const file = fileOf('applications', term.code);
    const ranked = sorted.filter((s) => s.grade === 8 && s.status === 'enrolled').map((s) => [s.zhongkao + applicationRandom.nextNormal() * 0.3, s] as const).sort((a, b) => b[0] - a[0]);
    const vocational = schools.find((s) => s.stage === 'vocational');
    const seniorApplicants = seniors.length > 0 ? Math.round(ranked.length * 0.6) : 0;
    const share = Math.max(1, Math.ceil(seniorApplicants / Math.max(1, seniors.length)));
    ranked.forEach(([, student], position) => {
      const appliedOn = isoDate(2026, 5, 6 + applicationRandom.nextInt(10));
      const choices: DemoSchool[] = [];
      if (position < seniorApplicants) {
        const first = Math.min(seniors.length - 1, Math.floor(position / share));
        choices.push(seniors[first][0]);
        if (seniors.length > 1 && applicationRandom.nextUniform() < 0.35) choices.push(seniors[Math.min(seniors.length - 1, first + 1 === seniors.length ? first - 1 : first + 1)][0]);
      } else if (vocational && position < seniorApplicants + Math.round(ranked.length * 0.15)) {
        choices.push(vocational);
      }
      for (const school of choices) emit(file, [student.number, student.name, school.code, DEMO_ADMISSIONS_BATCH.code, appliedOn]);
    });
  };

  /** Fitness and vision (autumn), art (spring, 四年级 up), labour and 写实记录 (each term). */
  const emitRecords = (sorted: readonly Student[], term: DemoTerm, termNumber: 1 | 2, yearStart: number, y: number) => {
    if (termNumber === 1) {
      const fitnessFile = fileOf('fitness', term.code);
      const visionFile = fileOf('vision', term.code);
      for (const student of sorted) {
        if (student.status !== 'enrolled') continue;
        const school = schools[student.school];
        const testDate = isoDate(yearStart, 10, 8 + (student.school % 15));
        const age = daysBetween(student.birthDate, testDate) / 365.25;
        const profile = fitnessProfile(DEMO_GRADES[student.grade], student.male);
        const cells: Record<string, string> = {};
        const skipped = fitnessRandom.nextUniform() < 0.006 ? profile.items[fitnessRandom.nextInt(profile.items.length)].code : null; // ill on the day of one item
        for (const { code, table } of profile.items) {
          const target = 72.5 + y * 0.8 + school.fitnessEffect + 13 * (0.75 * student.fitness + 0.66 * fitnessRandom.nextNormal());
          const value = rawResultForScore(code, table, target, fitnessRandom);
          if (code !== skipped) cells[code] = code.startsWith('run_') || code === 'shuttle_50mx8' ? formatSeconds(value, code) : String(value);
        }
        const height = heightFor(student.male, age, student.heightZ);
        const bandDraw = fitnessRandom.nextUniform();
        const bandName = bandDraw < 0.05 ? 'underweight' : bandDraw < 0.75 ? 'normal' : bandDraw < 0.89 ? 'overweight' : 'obese';
        const band = profile.bmiBands.find((b) => b.band === bandName)!;
        const low = band.min ?? band.max! - 2;
        const high = band.max ?? band.min! + 5;
        const bmi = low + 0.1 + (high - low - 0.2) * fitnessRandom.nextUniform();
        const weight = Math.round(bmi * (height / 100) ** 2 * 10) / 10;
        emit(fitnessFile, [student.number, student.name, term.code, testDate, height.toFixed(1), weight.toFixed(1), ...FITNESS_COLUMNS.map((code) => cells[code] ?? '')]);

        // Myopia: prevalence rises with grade (≈12% in 一年级 to ≈80% in 高三) and falls ≈0.7 points a year.
        const prevalence = clamp(0.12 + 0.062 * student.grade - 0.007 * y, 0, 0.95);
        let left: number;
        let right: number;
        if (student.myopiaDraw < prevalence) {
          const severity = (prevalence - student.myopiaDraw) / 0.062; // roughly years since onset
          left = Math.round(clamp(4.9 - 0.12 * severity - Math.abs(visionRandom.nextNormal()) * 0.1, 3.8, 4.9) * 10) / 10;
          right = Math.round(clamp(left + Math.round(visionRandom.nextNormal() * 1.2) / 10, 3.8, visionRandom.nextUniform() < 0.12 ? 5.0 : 4.9) * 10) / 10;
        } else {
          const draw = visionRandom.nextUniform();
          left = draw < 0.5 ? 5.0 : draw < 0.85 ? 5.1 : draw < 0.97 ? 5.2 : 5.3;
          right = Math.min(5.3, left + (visionRandom.nextUniform() < 0.3 ? 0.1 : 0));
        }
        if (visionRandom.nextUniform() < 0.5) [left, right] = [right, left];
        emit(visionFile, [student.number, student.name, term.code, isoDate(yearStart, 9, 12 + (student.school % 15)), left.toFixed(1), right.toFixed(1)]);
      }
    } else {
      const artFile = fileOf('art', term.code);
      for (const student of sorted) {
        if (student.status === 'transferred_out' || student.grade < 3) continue;
        const z = () => student.art * 0.7 + artRandom.nextNormal() * 0.7;
        const basic = Math.round(clamp(32 + 4.5 * z(), 0, 40));
        const coursework = Math.round(clamp(39 + 6.5 * z(), 0, 50));
        const development = Math.round(clamp(8 + 4 * z(), 0, 20));
        emit(artFile, [student.number, student.name, term.code, isoDate(yearStart + 1, 5, 10 + (student.school % 15)), String(basic), String(coursework), String(development)]);
      }
    }

    const labourFile = plan.labourTerms.includes(termNumber) ? fileOf('labour', term.code) : null;
    const activityFile = fileOf('activities', term.code);
    const categories = Object.keys(LABOUR_ITEMS);
    for (const student of sorted) {
      if (student.status === 'transferred_out') continue;
      const items = labourFile ? 1 + labourRandom.nextInt(plan.labourItems) : 0;
      const chosen = new Set<string>();
      for (let n = 0; n < items; n += 1) {
        const category = categories[labourRandom.nextInt(categories.length)];
        const pool = LABOUR_ITEMS[category];
        const item = pool[labourRandom.nextInt(pool.length)];
        if (chosen.has(`${category}|${item}`)) continue;
        chosen.add(`${category}|${item}`);
        const hours = category === '家庭' ? 4 + labourRandom.nextInt(30) : 2 + labourRandom.nextInt(10);
        emit(labourFile!, [student.number, student.name, term.code, category, item, String(hours), addDays(term.startDate, 10 + labourRandom.nextInt(100)), LABOUR_ATTESTERS[category]]);
      }

      const eligible = ACTIVITIES.filter((a) => a.minGrade <= student.grade);
      // Poisson(activityRate) by inversion of the cumulative distribution, at most 4.
      const draw = activityRandom.nextUniform();
      let count = 0;
      let probability = Math.exp(-plan.activityRate);
      let cumulative = probability;
      while (draw > cumulative && count < 4) {
        count += 1;
        probability *= plan.activityRate / count;
        cumulative += probability;
      }
      const used = new Set<number>();
      for (let n = 0; n < count; n += 1) {
        const pick = activityRandom.nextInt(eligible.length);
        if (used.has(pick)) continue;
        used.add(pick);
        const activity = eligible[pick];
        const start = addDays(term.startDate, 7 + activityRandom.nextInt(90));
        const end = addDays(start, activity.days - 1);
        const hours = activity.hours[0] + activityRandom.nextInt(activity.hours[1] - activity.hours[0] + 1);
        const level = activity.organiser.startsWith('市') ? '市' : activity.organiser.startsWith('区') ? '区县' : pickWeighted(activityRandom, ACTIVITY_LEVELS, 100);
        const school = schools[student.school];
        const district = DISTRICTS.find((d) => d.code === school.regionCode)!;
        const location = activity.recordType === '志愿服务' || activity.recordType === '社会实践' ? `${district.name}${activity.title.slice(0, 4)}` : school.name;
        const award = activity.award ? pickWeighted(activityRandom, AWARD_RANKS, 100) : '';
        emit(activityFile, [
          student.number, student.name, term.code, activity.dimension, activity.recordType, activity.title, level,
          pickWeighted(activityRandom, ACTIVITY_ROLES, 100), start, end, String(hours), location, activity.organiser, award,
        ]);
        if (evidence.length < plan.evidenceLimit && activityRandom.nextUniform() < 0.25) {
          const fileName = `evidence-${String(evidence.length + 1).padStart(4, '0')}.pdf`;
          evidence.push({ studentNumber: student.number, termCode: term.code, title: activity.title, startDate: start, fileName, bytes: placeholderPdf(`${fileName} ${term.code} ${start}`) });
        }
      }
    }
  };

  for (let y = 0; y < DEMO_SCHOOL_YEARS; y += 1) {
    const yearStart = firstYear + y;
    const finalYear = y === DEMO_SCHOOL_YEARS - 1;
    const detailed = y >= DEMO_SCHOOL_YEARS - plan.recordYears;

    for (const termNumber of [1, 2] as const) {
      const term = terms[y * 2 + termNumber - 1];
      // Who leaves during this term (转出), and class moves at the start of the spring term.
      const classes = termNumber === 2 ? classesOf() : new Map<string, string[]>();
      for (const student of students) {
        if (moves.nextUniform() < 0.003) student.status = 'transferred_out';
        if (termNumber === 2 && moves.nextUniform() < 0.01) {
          const others = (classes.get(`${student.school}|${student.grade}`) ?? []).filter((c) => c !== student.className);
          if (others.length > 0) student.className = others[moves.nextInt(others.length)];
        }
      }
      // Growth during the term: half the school's yearly effect plus noise.
      for (const student of students) {
        student.attainment += schools[student.school].effectPerYear / 2 + growth.nextNormal() * 0.08;
      }

      // ── scores: 期末 (and 期中) per subject; 中考 for J3 and 学业水平考试 for S2 in spring ──
      const finals = finalYear ? plan.finalSubjectsLastYear : plan.finalSubjectsEarlier;
      const subjectsOf = (student: Student) => (finals !== 'grade' ? finals : student.grade <= 1 ? [0, 1] : [0, 1, 2]);
      const observe = (student: Student, subject: number) => student.attainment + student.subject[subject] + exams.nextNormal() * 0.35;
      const fullMarksOf = (student: Student, subject: number) => (student.grade <= 5 ? 100 : subject <= 2 ? (student.grade <= 8 ? 120 : 150) : 100);
      const scoreText = (z: number, full: number, halfPoints: boolean) => {
        const raw = clamp(0.7 + 0.14 * z, 0, 1) * full;
        return String(halfPoints ? Math.round(raw * 2) / 2 : Math.round(raw));
      };
      const examRows = (student: Student, examType: string, date: string, subjects: readonly number[], file: DemoFile) => {
        let total = 0;
        for (const subject of subjects) {
          const z = observe(student, subject);
          total += z;
          const full = fullMarksOf(student, subject);
          const absent = exams.nextUniform() < 0.004;
          emit(file, [student.number, student.name, term.code, SUBJECTS[subject], examType, date, absent ? '缺考' : scoreText(z, full, subject === 0), String(full)]);
        }
        return total / subjects.length;
      };

      const rosterFile = fileOf('roster', term.code);
      const scoreFile = fileOf('scores', term.code);
      const finalDate = termNumber === 1 ? isoDate(yearStart + 1, 1, 16) : isoDate(yearStart + 1, 7, 3);
      const midDate = termNumber === 1 ? isoDate(yearStart, 11, 8) : isoDate(yearStart + 1, 4, 25);
      const sorted = [...students].sort(
        (a, b) => a.school - b.school || a.grade - b.grade || (a.className < b.className ? -1 : a.className > b.className ? 1 : 0) || (a.number < b.number ? -1 : 1),
      );

      // Spring: 中考 (J3) decides who goes on to a senior or the vocational school; the rest leave (毕业).
      if (termNumber === 2) {
        const zhongkaoFile = fileOf('scores', term.code, '-zhongkao');
        const proficiencyFile = fileOf('scores', term.code, '-proficiency');
        for (const student of sorted) {
          if (student.status !== 'enrolled') continue;
          if (student.grade === 8) student.zhongkao = examRows(student, '中考', isoDate(yearStart + 1, 6, 20), plan.zhongkaoSubjects, zhongkaoFile);
          if (student.grade === 10 && schools[student.school].stage === 'senior') examRows(student, '学业水平考试', isoDate(yearStart + 1, 6, 28), plan.proficiencySubjects, proficiencyFile);
        }
        if (!finalYear) {
          const ranked = sorted
            .filter((s) => s.grade === 8 && s.status === 'enrolled')
            .map((s) => [s.zhongkao + moves.nextNormal() * 0.15, s] as const)
            .sort((a, b) => b[0] - a[0]);
          const seniorPlaces = seniors.length > 0 ? Math.round(ranked.length * 0.6) : 0;
          const vocational = schools.findIndex((s) => s.stage === 'vocational');
          const vocationalPlaces = vocational >= 0 ? Math.round(ranked.length * 0.15) : 0;
          const share = Math.max(1, Math.ceil(seniorPlaces / Math.max(1, seniors.length)));
          ranked.forEach(([, student], position) => {
            if (position < seniorPlaces) student.nextSchool = seniors[Math.min(seniors.length - 1, Math.floor(position / share))][1];
            else if (position < seniorPlaces + vocationalPlaces) student.nextSchool = vocational;
            else student.status = 'graduated';
          });
        }
        for (const student of sorted) if (student.grade === 11 && student.status === 'enrolled') student.status = 'graduated';
      }

      for (const student of sorted) {
        emit(rosterFile, [
          student.number, student.name, student.male ? '男' : '女', student.birthDate, ETHNICITY_CODES[student.ethnicity], schools[student.school].code,
          GRADE_NAMES_ZH[student.grade], student.className, term.code,
          student.status === 'transferred_out' ? '转出' : student.status === 'graduated' ? '毕业' : '在读',
        ]);
      }
      if (finalYear && termNumber === 2) {
        lastTermStudents = sorted.length;
        emitApplications(sorted, term);
      }

      for (const student of sorted) {
        if (student.status === 'transferred_out') continue;
        if (plan.midterms) examRows(student, '期中', midDate, subjectsOf(student), scoreFile);
        examRows(student, '期末', finalDate, subjectsOf(student), scoreFile);
      }

      if (detailed) emitRecords(sorted, term, termNumber, yearStart, y);

      // Those who left during the term are gone; graduates leave after the spring term.
      students = students.filter((s) => s.status === 'enrolled');
    }

    if (finalYear) break;
    // ── the summer: promotions, transitions, transfers, new 一年级 ──
    const next: Student[] = [];
    const entrants = new Map<string, Student[]>();
    const classes = classesOf();
    for (const student of students) {
      if (moves.nextUniform() < 0.004) continue; // moved away over the summer (the new city's roster has them)
      const was = student.school;
      const school = schools[was];
      const sameGrade = classes.get(`${was}|${student.grade}`) ?? [];
      student.grade += 1;
      let entersNewSchool: number | null = null;
      if (student.grade === 6 && school.stage === 'primary') {
        let candidates = schools.map((s, i) => [s, i] as const).filter(([s]) => s.districtIndex === school.districtIndex && s.stage === 'junior');
        if (candidates.length === 0) candidates = schools.map((s, i) => [s, i] as const).filter(([s]) => s.districtIndex === school.districtIndex && s.stage === 'nine_year');
        if (candidates.length === 0) candidates = schools.map((s, i) => [s, i] as const).filter(([s]) => s.stage === 'junior' || s.stage === 'nine_year');
        const total = candidates.reduce((sum, [s]) => sum + s.classesPerGrade, 0);
        entersNewSchool = pickWeighted(moves, candidates.map(([s, i]) => [i, s.classesPerGrade] as const), total);
      } else if (student.grade === 9) {
        if (student.nextSchool === null) continue;
        entersNewSchool = student.nextSchool;
      } else if (moves.nextUniform() < 0.01) {
        // a transfer to another school of the same stage in the district, into one of its classes
        const candidates = schools.map((s, i) => [s, i] as const).filter(([s, i]) => i !== was && s.districtIndex === school.districtIndex && s.stage === school.stage);
        if (candidates.length > 0) {
          const target = candidates[moves.nextInt(candidates.length)][1];
          const names = classes.get(`${target}|${student.grade - 1}`) ?? ['1班'];
          student.school = target;
          student.className = names[moves.nextInt(names.length)];
        }
      } else if (moves.nextUniform() < 0.01 && sameGrade.length > 1) {
        student.className = sameGrade[moves.nextInt(sameGrade.length)];
      }
      student.nextSchool = null;
      if (entersNewSchool !== null) {
        student.school = entersNewSchool;
        const key = `${entersNewSchool}|${student.grade}`;
        const group = entrants.get(key) ?? [];
        group.push(student);
        entrants.set(key, group);
      }
      next.push(student);
    }
    for (const group of entrants.values()) assignClasses(group);
    schools.forEach((school, index) => {
      if (school.stage !== 'primary' && school.stage !== 'nine_year') return;
      const size = Math.max(1, Math.round(school.classesPerGrade * plan.classSize * (0.95 + people.nextUniform() * 0.1)));
      const cohort: Student[] = [];
      for (let n = 0; n < size; n += 1) cohort.push(newStudent(index, 0, yearStart + 1, school.intakeMean + people.nextNormal() * 0.95));
      assignClasses(cohort, school.classesPerGrade);
      next.push(...cohort);
    });
    students = next;
  }

  // Demo accounts: a district, a junior school in it, a class there in the last year, a student of that class, a senior school.
  const lastTerm = terms[terms.length - 1];
  const district = DISTRICTS[0];
  const school = schools.find((s) => s.regionCode === district.code && s.stage === 'junior') ?? schools.find((s) => s.stage === 'junior')!;
  const schoolIndex = schools.indexOf(school);
  const classmates = students.filter((s) => s.school === schoolIndex && s.grade === 7 && s.status === 'enrolled').sort((a, b) => (a.className < b.className ? -1 : a.className > b.className ? 1 : a.number < b.number ? -1 : 1));
  const first = classmates[0];
  const admissions = schools.find((s) => s.stage === 'senior')!;
  const accounts: DemoAccountTargets = {
    districtCode: district.code,
    schoolCode: school.code,
    teacherClass: { schoolCode: school.code, schoolYear: lastTerm.schoolYear, gradeCode: DEMO_GRADES[first.grade], name: first.className },
    studentNumber: first.number,
    admissionsSchoolCode: admissions.code,
  };

  const rows = Object.values(rowsByKind).reduce((sum, n) => sum + n, 0);
  return {
    seed,
    scale,
    regions: [CITY, ...DISTRICTS],
    schools: schools.map(({ code, name, stage, regionCode, intakeMean, effectPerYear, fitnessEffect }) => ({ code, name, stage, regionCode, intakeMean, effectPerYear, fitnessEffect })),
    terms,
    // Load order: every roster file (term order), then the records.
    files: [...files.filter((f) => f.kind === 'roster'), ...files.filter((f) => f.kind !== 'roster')],
    evidence,
    accounts,
    counts: { students: studentCount, studentsInLastTerm: lastTermStudents, rows, rowsByKind },
  };
}

/**
 * A one-page PDF saying it stands in for a photo or certificate (the evidence store accepts
 * PDF by its magic bytes). The text makes each file's hash unique, so duplicate-evidence checks
 * see no false duplicates.
 */
export function placeholderPdf(text: string): Buffer {
  const safe = text.replace(/[^\x20-\x7e]/g, '?').replace(/[()\\]/g, '');
  const content = `BT /F1 12 Tf 72 720 Td (Wuyu demo evidence placeholder) Tj 0 -18 Td (${safe}) Tj ET`;
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${content.length} >>\nstream\n${content}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let body = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((object, index) => {
    offsets.push(body.length);
    body += `${index + 1} 0 obj\n${object}\nendobj\n`;
  });
  const xref = body.length;
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(body, 'latin1');
}
