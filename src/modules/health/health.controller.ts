import { Controller, Get, HttpCode, Res } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { DataSource } from 'typeorm';
import { Public } from '../auth/auth.decorators';

export interface HealthResponse {
  status: 'ok' | 'degraded';
  database: 'up' | 'down';
  /** Only when degraded: what is wrong, in English and Chinese. */
  message?: string;
  messageZh?: string;
}

/** Liveness and database reachability: 200 when PostgreSQL answers within 2 s, else 503 "degraded" with a message (docs/operations.md). */
@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(private readonly dataSource: DataSource) {}

  @Get()
  @HttpCode(200)
  @ApiOkResponse({ description: '{ status: "ok", database: "up" }' })
  async health(@Res({ passthrough: true }) response: Response): Promise<HealthResponse> {
    const up = await Promise.race([
      this.dataSource.query('SELECT 1').then(
        () => true,
        () => false,
      ),
      new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 2000).unref()),
    ]);
    if (up) return { status: 'ok', database: 'up' };
    response.status(503).setHeader('Retry-After', '5');
    return { status: 'degraded', database: 'down', message: 'PostgreSQL does not answer; requests that need it get 503 until it is back (the app reconnects by itself)', messageZh: '数据库无响应；恢复前需要数据库的请求返回503（应用会自动重连）' };
  }
}
