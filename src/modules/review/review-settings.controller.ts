import { Body, Controller, Get, Put } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Actor } from '../auth/actor';
import { CurrentActor, RequirePermission } from '../auth/auth.decorators';
import { UpdateReviewSettingsDto } from './dto/settings.dto';
import { ReviewSettingsService, type ReviewSettingsView } from './review-settings.service';

/** The deployment's review parameters: anyone signed in reads them; the city administrator (regions.write: city-wide reference data) changes them. */
@ApiTags('review')
@Controller('api/review/settings')
export class ReviewSettingsController {
  constructor(private readonly settings: ReviewSettingsService) {}

  @Get()
  get(): Promise<ReviewSettingsView> {
    return this.settings.get();
  }

  @Put()
  @RequirePermission('regions.write')
  update(@Body() dto: UpdateReviewSettingsDto, @CurrentActor() actor: Actor): Promise<ReviewSettingsView> {
    return this.settings.update(actor.userId, dto);
  }
}
