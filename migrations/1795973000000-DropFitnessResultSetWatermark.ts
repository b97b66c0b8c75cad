import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Drops the watermark of the raw records from `fitness_result_sets` (ADR 0925's follow-up).
 *
 * `source_count` and `source_updated_at` were ADR 0501's freshness check: every read compared them
 * with a count of the year's fitness records. Since ADR 0922 staleness is noted by the writes and
 * nothing reads them, yet every recompute still counted the recomputed schools' records to fill
 * them — one grouped scan, 0.26–0.32 s of a city year's 8–11 s recompute (measured on the demo
 * city, PostgreSQL 15). A result set now records only which school × year was computed, with
 * which tables, when.
 *
 * Down puts the columns back filled with the watermark of the records as they are then (what the
 * last recompute would have written had nothing changed since).
 */
export class DropFitnessResultSetWatermark1795973000000 implements MigrationInterface {
  name = 'DropFitnessResultSetWatermark1795973000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "fitness_result_sets" DROP COLUMN "source_count", DROP COLUMN "source_updated_at"`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "fitness_result_sets" ADD "source_count" integer NOT NULL DEFAULT 0, ADD "source_updated_at" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(
      `UPDATE fitness_result_sets s SET source_count = w.n, source_updated_at = w.latest
         FROM (SELECT r.school_id, t.school_year, count(*)::int AS n, max(r.updated_at) AS latest
                 FROM term_records r JOIN terms t ON t.id = r.term_id JOIN indicators i ON i.id = r.indicator_id
                WHERE i.code LIKE 'physical.fitness.%'
                GROUP BY r.school_id, t.school_year) w
        WHERE w.school_id = s.school_id AND w.school_year = s.school_year`,
    );
    await queryRunner.query(`ALTER TABLE "fitness_result_sets" ALTER COLUMN "source_count" DROP DEFAULT`);
  }
}
