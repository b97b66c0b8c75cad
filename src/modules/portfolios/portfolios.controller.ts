import { Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { Page } from '../../common/http/pagination';
import { ParseIdPipe } from '../../common/http/parse-id.pipe';
import type { Actor } from '../auth/actor';
import { AuditedRead, CurrentActor, RequirePermission, RequirePurpose } from '../auth/auth.decorators';
import { PurposeQueryDto } from './dto/admissions.dto';
import { CommentPortfolioDto, CompilePortfolioDto, ListPortfoliosQueryDto, type PortfolioResponse, type PortfolioSummaryResponse, ReopenPortfolioDto, type VerificationResponse } from './dto/portfolio.dto';
import { renderPortfolioHtml } from './portfolio-html';
import { type PortfolioReadScopes, PortfoliosService } from './portfolios.service';

const uuid = new ParseIdPipe();

/** Everyone reaching the student (students.read) reads every version; admissions officers (admissions.read) sealed versions of their applicants. */
function readScopes(actor: Actor): PortfolioReadScopes {
  return { full: actor.readScope, sealedOnly: actor.scopeFor('admissions.read') };
}

/**
 * 综合素质档案 (ADR 0821): compile → student confirmation → class-teacher comment → school
 * sign-off → seal; verification of the sealed snapshot's SHA-256; reopening as a new version.
 * Reads are student-level: audited for bureau and admissions users, who must give a purpose.
 */
@ApiTags('portfolios')
@Controller('api/portfolios')
export class PortfoliosController {
  constructor(private readonly portfolios: PortfoliosService) {}

  /** Compiles a student's portfolio: 201 with a new version 1, 200 when the open, unconfirmed version is compiled again. */
  @Post()
  @RequirePermission('portfolios.manage')
  async compile(@Body() dto: CompilePortfolioDto, @CurrentActor() actor: Actor, @Res({ passthrough: true }) response: Response): Promise<PortfolioResponse> {
    const { created, portfolio } = await this.portfolios.compile(actor.scopeFor('portfolios.manage'), dto.studentId, actor);
    response.status(created ? 201 : 200);
    return portfolio;
  }

  @Get()
  @AuditedRead('portfolio')
  @RequirePurpose()
  list(@Query() query: ListPortfoliosQueryDto, @CurrentActor() actor: Actor): Promise<Page<PortfolioSummaryResponse>> {
    return this.portfolios.list(readScopes(actor), query);
  }

  /** One version as JSON: status, each step (who, when), hash, and the document (for a sealed version: the sealed snapshot). */
  @Get(':id')
  @AuditedRead('portfolio')
  @RequirePurpose()
  get(@Param('id', uuid) id: string, @Query() _query: PurposeQueryDto, @CurrentActor() actor: Actor): Promise<PortfolioResponse> {
    return this.portfolios.get(readScopes(actor), id);
  }

  /** The printable page in Chinese (HTML with print CSS; the browser's 打印 → 另存为PDF makes a PDF). */
  @Get(':id/print')
  @AuditedRead('portfolio')
  @RequirePurpose()
  async print(@Param('id', uuid) id: string, @Query() _query: PurposeQueryDto, @CurrentActor() actor: Actor, @Res() response: Response): Promise<void> {
    const portfolio = await this.portfolios.get(readScopes(actor), id);
    // The HTML type is set only on success: errors keep the one JSON error shape.
    response
      .status(200)
      .type('text/html; charset=utf-8')
      .send(renderPortfolioHtml(portfolio.document, { status: portfolio.status, contentSha256: portfolio.contentSha256, superseded: portfolio.superseded }));
  }

  /** The sealed snapshot, byte for byte as hashed: `sha256sum` of this body equals `contentSha256`. */
  @Get(':id/snapshot')
  @AuditedRead('portfolio')
  @RequirePurpose()
  async snapshot(@Param('id', uuid) id: string, @Query() _query: PurposeQueryDto, @CurrentActor() actor: Actor, @Res() response: Response): Promise<void> {
    const snapshot = await this.portfolios.snapshot(readScopes(actor), id);
    response
      .status(200)
      .type('application/json; charset=utf-8')
      .setHeader('X-Content-SHA256', snapshot.sha256)
      .setHeader('Content-Disposition', `attachment; filename="portfolio-${id}-v${snapshot.version}.json"`)
      .send(Buffer.from(snapshot.text, 'utf8'));
  }

  /** Recomputes the snapshot's SHA-256 and compares it with the stored hash (`valid`, and each check). */
  @Get(':id/verify')
  @AuditedRead('portfolio')
  @RequirePurpose()
  verify(@Param('id', uuid) id: string, @Query() _query: PurposeQueryDto, @CurrentActor() actor: Actor): Promise<VerificationResponse> {
    return this.portfolios.verify(readScopes(actor), id);
  }

  /** The student (or a guardian) confirms the compiled portfolio. */
  @Post(':id/confirm')
  @HttpCode(200)
  @RequirePermission('portfolios.confirm')
  confirm(@Param('id', uuid) id: string, @CurrentActor() actor: Actor): Promise<PortfolioResponse> {
    return this.portfolios.advance(actor.scopeFor('portfolios.confirm'), id, 'confirm', actor);
  }

  /** The class teacher's comment (班主任评语), after the student's confirmation. */
  @Post(':id/comment')
  @HttpCode(200)
  @RequirePermission('portfolios.comment')
  comment(@Param('id', uuid) id: string, @Body() dto: CommentPortfolioDto, @CurrentActor() actor: Actor): Promise<PortfolioResponse> {
    return this.portfolios.advance(actor.scopeFor('portfolios.comment'), id, 'comment', actor, dto.comment.trim());
  }

  /** The school signs the portfolio off (学校审核). */
  @Post(':id/sign-off')
  @HttpCode(200)
  @RequirePermission('portfolios.manage')
  signOff(@Param('id', uuid) id: string, @CurrentActor() actor: Actor): Promise<PortfolioResponse> {
    return this.portfolios.advance(actor.scopeFor('portfolios.manage'), id, 'signOff', actor);
  }

  /** Seals a signed-off portfolio: canonical JSON snapshot + SHA-256; immutable from then on. */
  @Post(':id/seal')
  @HttpCode(200)
  @RequirePermission('portfolios.manage')
  seal(@Param('id', uuid) id: string, @CurrentActor() actor: Actor): Promise<PortfolioResponse> {
    return this.portfolios.seal(actor.scopeFor('portfolios.manage'), id, actor);
  }

  /** Reopens the latest sealed version as a new version (an upheld appeal), with the reason; 201 with the new version. */
  @Post(':id/reopen')
  @RequirePermission('portfolios.manage')
  reopen(@Param('id', uuid) id: string, @Body() dto: ReopenPortfolioDto, @CurrentActor() actor: Actor): Promise<PortfolioResponse> {
    return this.portfolios.reopen(actor.scopeFor('portfolios.manage'), id, dto.reason.trim(), actor);
  }
}
