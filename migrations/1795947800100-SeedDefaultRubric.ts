import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The default rubric (默认评价方案), version 1, as data: every rule is explained in Chinese and
 * English in docs/evaluation.md. Each dimension scores 0–100 (A ≥ 85, B ≥ 70, C ≥ 60, D below);
 * at most 30% A per school and dimension, 思想品德 (moral) exempt; the last two terms of a stage
 * weigh 1.5 in the graduation result. Written out in full here, never imported from src/, so
 * this migration keeps seeding exactly this version whatever the code becomes.
 */
const GRADE_POINTS = (best: number, good: number, pass: number, fail: number) => ({ 优秀: best, 良好: good, 合格: pass, 不合格: fail });
const SUBJECTS = ['chinese', 'math', 'english', 'physics', 'chemistry', 'biology', 'politics', 'history', 'geography', 'science', 'it'].map((s) => `academic.exam.${s}`);
const CUTOFFS = { A: 85, B: 70, C: 60 };

export const DEFAULT_RUBRIC_DEFINITION = {
  dimensions: {
    moral: {
      maxScore: 100,
      cutoffs: CUTOFFS,
      rules: [
        { id: 'conduct', nameZh: '操行评定', nameEn: 'Conduct level', source: { indicators: ['moral.conduct_level'] }, formula: 'level_points', levelPoints: { A: 60, B: 50, C: 40, D: 25 } },
        { id: 'volunteer_hours', nameZh: '志愿服务时长', nameEn: 'Volunteer service hours', source: { indicators: ['moral.volunteer_hours'] }, formula: 'min(sum, 40) / 2' },
        { id: 'moral_activities', nameZh: '思想品德写实记录', nameEn: 'Moral activity records', source: { activities: { dimension: 'moral' } }, formula: 'min(2 * count + 3 * count_level_at_least("district"), 20)' },
      ],
    },
    academic: {
      maxScore: 100,
      cutoffs: CUTOFFS,
      rules: [
        { id: 'exam_scores', nameZh: '考试成绩', nameEn: 'Exam scores', source: { indicators: SUBJECTS }, formula: 'mean_percent * 0.8' },
        { id: 'research_hours', nameZh: '研究性学习', nameEn: 'Research-based learning', source: { indicators: ['academic.research_hours'] }, formula: 'min(sum, 10) * 2' },
      ],
    },
    physical: {
      maxScore: 100,
      cutoffs: CUTOFFS,
      rules: [
        { id: 'pe_grade', nameZh: '体育与健康课程', nameEn: 'PE course grade', source: { indicators: ['physical.pe_grade'] }, formula: 'level_points', levelPoints: GRADE_POINTS(40, 32, 24, 8) },
        { id: 'daily_exercise', nameZh: '每天锻炼一小时', nameEn: 'One hour of exercise a day', source: { indicators: ['physical.daily_exercise'] }, formula: '20 * yes' },
        { id: 'mental_health', nameZh: '心理健康教育', nameEn: 'Mental-health education', source: { indicators: ['physical.mental_health_education'] }, formula: '10 * yes' },
        { id: 'physical_activities', nameZh: '体育活动写实记录', nameEn: 'Sports activity records', source: { activities: { dimension: 'physical' } }, formula: 'min(5 * count + 5 * count_awarded, 30)' },
      ],
    },
    aesthetic: {
      maxScore: 100,
      cutoffs: CUTOFFS,
      rules: [
        { id: 'art_assessment', nameZh: '艺术素质测评', nameEn: 'Art-quality assessment', source: { indicators: ['aesthetic.assessment.basic', 'aesthetic.assessment.academic', 'aesthetic.assessment.development'] }, formula: 'min(sum, 100) * 0.5' },
        { id: 'music_grade', nameZh: '音乐课程', nameEn: 'Music course grade', source: { indicators: ['aesthetic.music_grade'] }, formula: 'level_points', levelPoints: GRADE_POINTS(15, 12, 9, 3) },
        { id: 'art_grade', nameZh: '美术课程', nameEn: 'Art course grade', source: { indicators: ['aesthetic.art_grade'] }, formula: 'level_points', levelPoints: GRADE_POINTS(15, 12, 9, 3) },
        { id: 'practice_hours', nameZh: '艺术实践', nameEn: 'Art practice hours', source: { indicators: ['aesthetic.practice_hours'] }, formula: 'min(sum, 10) * 2' },
      ],
    },
    labour: {
      maxScore: 100,
      cutoffs: CUTOFFS,
      rules: [
        { id: 'labour_course', nameZh: '劳动课程', nameEn: 'Labour course grade', source: { indicators: ['labour.course_grade'] }, formula: 'level_points', levelPoints: GRADE_POINTS(40, 32, 24, 8) },
        { id: 'labour_list', nameZh: '劳动清单', nameEn: 'Labour list items', source: { indicators: ['labour.list_item_hours'] }, formula: 'min(sum, 30)' },
        { id: 'labour_week', nameZh: '劳动周', nameEn: 'Labour week', source: { indicators: ['labour.labour_week'] }, formula: '10 * yes' },
        { id: 'social_practice', nameZh: '社会实践', nameEn: 'Social practice hours', source: { indicators: ['labour.social_practice_hours'] }, formula: 'min(sum, 20)' },
      ],
    },
  },
  quota: { maxShareA: 0.3, exemptDimensions: ['moral'] },
  termWeights: { '1': 1, '2': 1, '3': 1, '4': 1, '5': 1.5, '6': 1.5 },
  activityStatuses: ['VERIFIED', 'SELECTED', 'IN_PUBLICITY', 'PUBLICITY_PASSED', 'CONFIRMED', 'AMENDED'],
};

export class SeedDefaultRubric1795947800100 implements MigrationInterface {
  name = 'SeedDefaultRubric1795947800100';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `INSERT INTO evaluation_rubrics (code, version, name_zh, name_en, description, definition, built_in) VALUES ('default', 1, $1, $2, $3, $4::jsonb, true)`,
      [
        '综合素质评价默认方案',
        'Default comprehensive-quality rubric',
        'Shipped with Wuyu; every rule is explained in docs/evaluation.md. 随 Wuyu 提供，各条规则的说明见 docs/evaluation.md。',
        JSON.stringify(DEFAULT_RUBRIC_DEFINITION),
      ],
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DELETE FROM evaluation_rubrics WHERE code = 'default' AND version = 1 AND built_in`);
  }
}
