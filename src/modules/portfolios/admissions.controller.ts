import { Body, Controller, Get, Param, Patch, Post, Query, Req } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import type { Page } from '../../common/http/pagination';
import { ParseIdPipe } from '../../common/http/parse-id.pipe';
import { AuditService } from '../audit/audit.service';
import type { Actor } from '../auth/actor';
import { AuditedRead, CurrentActor, RequirePermission, RequirePurpose } from '../auth/auth.decorators';
import { AdmissionsService } from './admissions.service';
import { type AdmissionsBatchResponse, type ApplicantResponse, CreateAdmissionsBatchDto, ListAdmissionsBatchesQueryDto, ListApplicantsQueryDto, UpdateAdmissionsBatchDto } from './dto/admissions.dto';

const uuid = new ParseIdPipe();

/**
 * Admissions (两依据一参考): the city sets up admission batches and their periods; applications
 * arrive through the import pipeline (`POST /api/imports/applications`); a high school's
 * admissions officers list their applicants with the levels of their sealed portfolios, only
 * during the batch's period, and every such read is audited with its purpose (ADR 0820).
 */
@ApiTags('admissions')
@Controller('api/admissions')
export class AdmissionsController {
  constructor(
    private readonly admissions: AdmissionsService,
    private readonly audit: AuditService,
  ) {}

  @Post('batches')
  @RequirePermission('admissions.manage')
  createBatch(@Body() dto: CreateAdmissionsBatchDto): Promise<AdmissionsBatchResponse> {
    return this.admissions.createBatch(dto);
  }

  /** Every signed-in user may see the batches and whether each is open (reference data, no student data). */
  @Get('batches')
  listBatches(@Query() query: ListAdmissionsBatchesQueryDto): Promise<Page<AdmissionsBatchResponse>> {
    return this.admissions.listBatches(query);
  }

  /** Changes a batch's name or period (e.g. extends it); takes effect on the next request. */
  @Patch('batches/:id')
  @RequirePermission('admissions.manage')
  updateBatch(@Param('id', uuid) id: string, @Body() dto: UpdateAdmissionsBatchDto): Promise<AdmissionsBatchResponse> {
    return this.admissions.updateBatch(id, dto);
  }

  /** The caller's applicants with graduation levels; filter with minLevel/minDimensions or per dimension, sort with `sort`. Needs a purpose. */
  @Get('applicants')
  @RequirePermission('admissions.read')
  @AuditedRead('applicant')
  @RequirePurpose()
  async listApplicants(@Query() query: ListApplicantsQueryDto, @CurrentActor() actor: Actor, @Req() request: Request): Promise<Page<ApplicantResponse>> {
    const page = await this.admissions.listApplicants(actor.scopeFor('admissions.read'), query);
    // Besides the list read itself (audited by the interceptor), one event per applicant shown: who saw whose levels, and why.
    if (actor.auditsReads) {
      await this.audit.recordMany(
        page.items.map((item) => ({ actor, action: 'read.applicant', operation: 'GET /api/admissions/applicants (row)', targetType: 'student', targetId: item.student.id, outcome: 'success', request })),
      );
    }
    return page;
  }
}
