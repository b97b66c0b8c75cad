import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The default indicator catalogue (../shared/design/DOMAIN.md, "The five dimensions"), as data.
 * Administrators add and retire indicators through the API; this migration only seeds the
 * built-in ones. Fitness item codes are the scoring core's (国家学生体质健康标准 2014), bounds
 * are plausibility limits that catch typos (a 50 m run of 95 s), not scoring thresholds.
 */
type Seed = [code: string, dimension: string, nameZh: string, nameEn: string, valueType: string, options?: { unit?: string; min?: number; max?: number; fullMarks?: number; levels?: string[]; aliases?: string[] }];

const LEVEL_AD = ['A', 'B', 'C', 'D'];
const GRADE_LEVELS = ['优秀', '良好', '合格', '不合格'];
const subject = (code: string, nameZh: string, nameEn: string, aliases: string[]): Seed => [
  `academic.exam.${code}`, 'academic', nameZh, nameEn, 'score', { min: 0, max: 300, fullMarks: 100, aliases: [code, nameEn, ...aliases] },
];

const CATALOGUE: readonly Seed[] = [
  // moral 德 (思想品德)
  ['moral.conduct_level', 'moral', '操行评定', 'Conduct level', 'level', { levels: LEVEL_AD }],
  ['moral.volunteer_hours', 'moral', '志愿服务时长', 'Volunteer service hours', 'hours', { unit: 'h', min: 0, max: 2000 }],
  ['moral.honour_level', 'moral', '荣誉称号（最高级别）', 'Honour (highest level)', 'level', { levels: ['校级', '区县级', '市级', '省级', '国家级'] }],
  ['moral.disciplinary_record', 'moral', '违纪处分', 'Disciplinary record', 'text'],
  ['moral.disciplinary_revoked', 'moral', '处分已撤销', 'Disciplinary record revoked', 'boolean'],
  ['moral.theme_education', 'moral', '主题教育活动参与', 'Theme-education participation', 'boolean'],
  ['moral.self_evaluation', 'moral', '自我评价', 'Self evaluation', 'level', { levels: LEVEL_AD }],
  ['moral.peer_evaluation', 'moral', '同学互评', 'Peer evaluation', 'level', { levels: LEVEL_AD }],
  ['moral.teacher_evaluation', 'moral', '教师评价', 'Teacher evaluation', 'level', { levels: LEVEL_AD }],
  // academic 智 (学业水平): exam scores per subject, full marks per exam (default 100)
  subject('chinese', '语文', 'Chinese', ['yuwen']),
  subject('math', '数学', 'Mathematics', ['maths', 'shuxue']),
  subject('english', '英语', 'English', ['外语']),
  subject('physics', '物理', 'Physics', []),
  subject('chemistry', '化学', 'Chemistry', []),
  subject('biology', '生物', 'Biology', ['生物学']),
  subject('politics', '道德与法治', 'Morality and law', ['政治', '思想政治', '道法']),
  subject('history', '历史', 'History', []),
  subject('geography', '地理', 'Geography', []),
  subject('science', '科学', 'Science', []),
  subject('it', '信息技术', 'Information technology', ['信息科技']),
  ['academic.proficiency_grade', 'academic', '学业水平考试等级', 'Proficiency-test grade', 'level', { levels: ['A', 'B', 'C', 'D', 'E', '合格', '不合格'] }],
  ['academic.research_hours', 'academic', '研究性学习时长', 'Research-based learning hours', 'hours', { unit: 'h', min: 0, max: 500 }],
  // physical 体 (身心健康): fitness raw measurements (2014 standard), vision, PE
  ['physical.fitness.height_cm', 'physical', '身高', 'Height', 'measurement', { unit: 'cm', min: 80, max: 230 }],
  ['physical.fitness.weight_kg', 'physical', '体重', 'Weight', 'measurement', { unit: 'kg', min: 10, max: 200 }],
  ['physical.fitness.vital_capacity', 'physical', '肺活量', 'Vital capacity', 'measurement', { unit: 'ml', min: 100, max: 10000 }],
  ['physical.fitness.run_50m', 'physical', '50米跑', '50 m run', 'measurement', { unit: 's', min: 5, max: 30 }],
  ['physical.fitness.sit_and_reach', 'physical', '坐位体前屈', 'Sit and reach', 'measurement', { unit: 'cm', min: -40, max: 40 }],
  ['physical.fitness.rope_skip_1min', 'physical', '一分钟跳绳', 'Rope skipping, 1 min', 'count', { unit: 'times', min: 0, max: 300 }],
  ['physical.fitness.sit_up_1min', 'physical', '一分钟仰卧起坐', 'Sit-ups, 1 min', 'count', { unit: 'times', min: 0, max: 100 }],
  ['physical.fitness.shuttle_50mx8', 'physical', '50米×8往返跑', '50 m × 8 shuttle run', 'measurement', { unit: 's', min: 60, max: 400 }],
  ['physical.fitness.standing_long_jump', 'physical', '立定跳远', 'Standing long jump', 'measurement', { unit: 'cm', min: 30, max: 400 }],
  ['physical.fitness.pull_up', 'physical', '引体向上', 'Pull-ups', 'count', { unit: 'times', min: 0, max: 80 }],
  ['physical.fitness.run_800m', 'physical', '800米跑', '800 m run', 'measurement', { unit: 's', min: 90, max: 900 }],
  ['physical.fitness.run_1000m', 'physical', '1000米跑', '1000 m run', 'measurement', { unit: 's', min: 120, max: 900 }],
  ['physical.vision.left', 'physical', '左眼裸眼视力', 'Uncorrected visual acuity, left eye', 'measurement', { unit: '5-point', min: 3.0, max: 5.3 }],
  ['physical.vision.right', 'physical', '右眼裸眼视力', 'Uncorrected visual acuity, right eye', 'measurement', { unit: '5-point', min: 3.0, max: 5.3 }],
  ['physical.pe_grade', 'physical', '体育与健康课程成绩', 'PE course grade', 'level', { levels: GRADE_LEVELS }],
  ['physical.sports_skill', 'physical', '运动技能（一人一项）', 'Sports skill', 'text'],
  ['physical.daily_exercise', 'physical', '每天锻炼一小时', 'One hour of exercise a day', 'boolean'],
  ['physical.mental_health_education', 'physical', '心理健康教育参与', 'Mental-health education participation', 'boolean'],
  // aesthetic 美 (艺术素养): course grades, 艺术素质测评 (基础 40 + 学业 50 + 发展 20)
  ['aesthetic.music_grade', 'aesthetic', '音乐课程成绩', 'Music course grade', 'level', { levels: GRADE_LEVELS }],
  ['aesthetic.art_grade', 'aesthetic', '美术课程成绩', 'Art course grade', 'level', { levels: GRADE_LEVELS }],
  ['aesthetic.calligraphy_grade', 'aesthetic', '书法课程成绩', 'Calligraphy course grade', 'level', { levels: GRADE_LEVELS }],
  ['aesthetic.assessment.basic', 'aesthetic', '艺术素质测评·基础指标', 'Art assessment: basic', 'score', { min: 0, max: 40, fullMarks: 40 }],
  ['aesthetic.assessment.academic', 'aesthetic', '艺术素质测评·学业指标', 'Art assessment: coursework', 'score', { min: 0, max: 50, fullMarks: 50 }],
  ['aesthetic.assessment.development', 'aesthetic', '艺术素质测评·发展指标', 'Art assessment: development (10 of 20 bonus)', 'score', { min: 0, max: 20, fullMarks: 20 }],
  ['aesthetic.practice_hours', 'aesthetic', '艺术实践时长', 'Art practice hours', 'hours', { unit: 'h', min: 0, max: 1000 }],
  ['aesthetic.art_skill', 'aesthetic', '艺术特长', 'Art skill', 'text'],
  // labour 劳 (劳动素养/社会实践)
  ['labour.course_grade', 'labour', '劳动课程成绩', 'Labour course grade', 'level', { levels: GRADE_LEVELS }],
  ['labour.list_item_hours', 'labour', '劳动清单项目时长', 'Labour list item hours', 'hours', { unit: 'h', min: 0, max: 500 }],
  ['labour.weekly_hours', 'labour', '课外劳动周均时长', 'Out-of-class labour hours per week', 'hours', { unit: 'h', min: 0, max: 40 }],
  ['labour.labour_week', 'labour', '劳动周', 'Labour week completed', 'boolean'],
  ['labour.social_practice_hours', 'labour', '社会实践时长', 'Social practice hours', 'hours', { unit: 'h', min: 0, max: 2000 }],
];

export class SeedIndicatorCatalogue1795936182800 implements MigrationInterface {
  name = 'SeedIndicatorCatalogue1795936182800';

  public async up(queryRunner: QueryRunner): Promise<void> {
    for (const [code, dimension, nameZh, nameEn, valueType, options = {}] of CATALOGUE) {
      await queryRunner.query(
        `INSERT INTO indicators (code, dimension, name_zh, name_en, value_type, unit, min_value, max_value, full_marks, levels, aliases, built_in)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb, $11::jsonb, true)`,
        [code, dimension, nameZh, nameEn, valueType, options.unit ?? null, options.min ?? null, options.max ?? null, options.fullMarks ?? null, options.levels ? JSON.stringify(options.levels) : null, JSON.stringify(options.aliases ?? [])],
      );
    }
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DELETE FROM indicators WHERE built_in AND code = ANY($1)', [CATALOGUE.map(([code]) => code)]);
  }
}
