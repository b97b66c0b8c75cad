import type { MigrationInterface, QueryRunner } from 'typeorm';

export class AddJobLeases1795944046416 implements MigrationInterface {
  name = 'AddJobLeases1795944046416';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE \"jobs\" ADD \"lease_expires_at\" TIMESTAMP WITH TIME ZONE");
    await queryRunner.query("ALTER TABLE \"jobs\" ADD \"worker_id\" character varying(120)");
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE \"jobs\" DROP COLUMN \"worker_id\"");
    await queryRunner.query("ALTER TABLE \"jobs\" DROP COLUMN \"lease_expires_at\"");
  }
}
