import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Grade levels as reference data. Codes follow the fitness standard's groups
 * (国家学生体质健康标准 2014: 小学一~六年级, 初中一~三年级, 高中一~三年级, 大学一二/三四年级).
 */
const GRADES: ReadonlyArray<[code: string, nameZh: string, nameEn: string, stage: string, ordinal: number]> = [
  ['P1', '一年级', 'Primary 1', 'primary', 1],
  ['P2', '二年级', 'Primary 2', 'primary', 2],
  ['P3', '三年级', 'Primary 3', 'primary', 3],
  ['P4', '四年级', 'Primary 4', 'primary', 4],
  ['P5', '五年级', 'Primary 5', 'primary', 5],
  ['P6', '六年级', 'Primary 6', 'primary', 6],
  ['J1', '初一', 'Junior 1 (grade 7)', 'junior', 7],
  ['J2', '初二', 'Junior 2 (grade 8)', 'junior', 8],
  ['J3', '初三', 'Junior 3 (grade 9)', 'junior', 9],
  ['S1', '高一', 'Senior 1 (grade 10)', 'senior', 10],
  ['S2', '高二', 'Senior 2 (grade 11)', 'senior', 11],
  ['S3', '高三', 'Senior 3 (grade 12)', 'senior', 12],
  ['U12', '大学一二年级', 'University years 1–2', 'university', 13],
  ['U34', '大学三四年级', 'University years 3–4', 'university', 15],
];

export class SeedGrades1795934766723 implements MigrationInterface {
  name = 'SeedGrades1795934766723';

  public async up(queryRunner: QueryRunner): Promise<void> {
    for (const [code, nameZh, nameEn, stage, ordinal] of GRADES) {
      await queryRunner.query('INSERT INTO grades (code, name_zh, name_en, stage, ordinal) VALUES ($1, $2, $3, $4, $5)', [
        code,
        nameZh,
        nameEn,
        stage,
        ordinal,
      ]);
    }
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DELETE FROM grades WHERE code = ANY($1)', [GRADES.map(([code]) => code)]);
  }
}
