import { type DynamicModule, Module } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from './config/app-config';
import { DatabaseModule } from './database/database.module';
import { AuthModule } from './modules/auth/auth.module';
import { EvaluationModule } from './modules/evaluation/evaluation.module';
import { FitnessModule } from './modules/fitness/fitness.module';
import { GrowthModule } from './modules/growth/growth.module';
import { HealthModule } from './modules/health/health.module';
import { ImportsModule } from './modules/imports/imports.module';
import { IntakeModule } from './modules/intake/intake.module';
import { ReviewModule } from './modules/review/review.module';
import { PortfoliosModule } from './modules/portfolios/portfolios.module';
import { ReportsModule } from './modules/reports/reports.module';
import { RosterModule } from './modules/roster/roster.module';
import { ValueAddedModule } from './modules/value-added/value-added.module';

@Module({})
export class AppModule {
  /** The app over an initialised, migrated DataSource (main.ts and the e2e tests build it the same way). */
  static forRoot(config: AppConfig, dataSource: DataSource): DynamicModule {
    return {
      module: AppModule,
      global: true,
      imports: [DatabaseModule.forDataSource(dataSource), AuthModule, HealthModule, RosterModule, IntakeModule, ImportsModule, FitnessModule, ValueAddedModule, GrowthModule, ReviewModule, EvaluationModule, PortfoliosModule, ReportsModule],
      providers: [{ provide: APP_CONFIG, useValue: config }],
      exports: [APP_CONFIG],
    };
  }
}
