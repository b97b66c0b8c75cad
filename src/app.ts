import { type INestApplication, ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { json } from 'express';
import helmet from 'helmet';
import * as path from 'node:path';
import type { DataSource } from 'typeorm';
import { AppModule } from './app.module';
import { AllExceptionsFilter } from './common/errors/all-exceptions.filter';
import { JsonLogger } from './common/logging/json-logger';
import { requestIdMiddleware } from './common/logging/request-id.middleware';
import { uploadSizeGuard } from './common/http/upload-size-guard';
import type { AppConfig } from './config/app-config';
import { findProjectRoot } from './config/project-root';

/**
 * Builds the HTTP application exactly as it runs: JSON logs with request ids, one error
 * shape, strict validation (unknown fields → 400), body limits and OpenAPI at /api/docs.
 * Used by main.ts and by the e2e tests, so tests exercise the real configuration.
 */
export async function createApp(config: AppConfig, dataSource: DataSource, logger = new JsonLogger(config.logLevel)): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config, dataSource), {
    logger,
    bodyParser: false,
  });
  app.use(requestIdMiddleware(logger));
  // Security headers; the CSP allows the Swagger UI's inline styles and scripts at /api/docs only.
  app.use(
    helmet({
      contentSecurityPolicy: { directives: { 'script-src': ["'self'", "'unsafe-inline'"], 'style-src': ["'self'", "'unsafe-inline'", 'https:'] } },
      crossOriginEmbedderPolicy: false,
    }),
  );
  // CORS only for the configured origins (none by default: same-origin use only).
  app.enableCors({
    origin: (origin: string | undefined, callback: (error: Error | null, allow?: boolean) => void) => callback(null, origin !== undefined && config.corsOrigins.includes(origin)),
    credentials: false,
    allowedHeaders: ['Authorization', 'Content-Type', 'X-Request-Id', 'X-Access-Purpose'],
    exposedHeaders: ['X-Request-Id'],
  });
  // Uploads declared larger than their route's limit get 413 before their body is read (ADR 1002).
  app.use(uploadSizeGuard((path) => (path.startsWith('/api/imports/') ? config.importMaxBytes : /^\/api\/activity-records\/[^/]+\/evidence$/.test(path) ? config.evidenceMaxBytes : undefined)));
  // No request may take longer than REQUEST_TIMEOUT_MS to arrive (slow or stalled clients get 408 and are cut off).
  const server = app.getHttpServer() as import('node:http').Server;
  server.requestTimeout = config.requestTimeoutMs;
  server.headersTimeout = Math.min(60_000, config.requestTimeoutMs);
  // Chart downloads carry the picture the browser drew (a PNG data URL can pass 1 MB).
  app.use('/api/reports/exports', json({ limit: Math.max(config.bodyLimitBytes, 20_000_000) }));
  app.useBodyParser('json', { limit: config.bodyLimitBytes });
  app.useBodyParser('urlencoded', { limit: config.bodyLimitBytes, extended: false });
  app.set('x-powered-by', false);
  app.set('query parser', 'simple');
  app.useGlobalPipes(
    new ValidationPipe({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      stopAtFirstError: false,
    }),
  );
  app.useGlobalFilters(new AllExceptionsFilter(logger));
  serveWebUi(app);
  app.enableShutdownHooks = () => app; // signals are handled in main.ts, in order: Nest first, then PostgreSQL

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Wuyu (五育) API')
      .setDescription('Comprehensive-quality and value-added evaluation. Errors: { code, message, messageZh, details, requestId }.')
      .setVersion('0.1.0')
      .build(),
  );
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs-json' });
  return app;
}

/**
 * The web UI (docs/web-ui.md) from the same process, outside /api: built by `npm run build` into
 * dist/web (tools/web/build-web.js, ADR 0924). Its scripts and style sheet are under /assets/ with a
 * digest of their content in the name, so browsers keep them for a year without asking again;
 * index.html, which names them, is revalidated on every load. Public files only — every datum
 * comes from /api with the user's token.
 */
function serveWebUi(app: NestExpressApplication): void {
  const root = findProjectRoot();
  app.useStaticAssets(path.join(root, 'dist', 'web', 'assets'), { prefix: '/assets/', maxAge: '365d', immutable: true, index: false, fallthrough: true });
  app.useStaticAssets(path.join(root, 'dist', 'web'), { index: 'index.html', maxAge: 0, fallthrough: true });
}
