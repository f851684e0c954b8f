/**
 * Builds the HTTP application from a configuration: the API under /api, its OpenAPI document at /api/docs,
 * and the built web UI at /. Used by main.ts and by the tests, so both run the same application.
 */
import { LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { NextFunction, Request, Response } from 'express';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { AppModule } from './app.module';
import { createValidationPipe } from './common/validation';
import { AppConfig } from './config/app-config';

export interface CreateAppOptions {
  logger?: LogLevel[] | false;
}

export async function createApp(config: AppConfig & { databaseUrl: string }, options: CreateAppOptions = {}): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
    logger: options.logger ?? ['log', 'warn', 'error'],
    bodyParser: false,
    // Open SSE streams would otherwise hold app.close() until every client leaves.
    forceCloseConnections: true,
  });
  app.useBodyParser('json', { limit: '1mb' });
  app.setGlobalPrefix('api');
  app.useGlobalPipes(createValidationPipe());
  app.disable('x-powered-by');

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('ml-portal API')
      .setDescription(
        'Launch training runs and read their logs: as JSON slices, as raw bytes, and live as Server-Sent Events. ' +
          'Log bytes travel as base64; offsets and sizes are byte counts.',
      )
      .setVersion('1')
      .build(),
  );
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs-json' });

  serveWebUi(app, config.webRoot);
  return app;
}

/** The built Angular app at /, with its routes (/experiments/...) answered by index.html. */
function serveWebUi(app: NestExpressApplication, webRoot: string): void {
  const index = path.join(webRoot, 'index.html');
  if (!fs.existsSync(index)) return;
  app.useStaticAssets(webRoot, { index: false, maxAge: '1h', setHeaders: noCacheForHtml });
  app.use((req: Request, res: Response, next: NextFunction) => {
    if (req.method !== 'GET' || req.path.startsWith('/api') || path.extname(req.path)) return next();
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(index);
  });
}

function noCacheForHtml(res: Response, file: string): void {
  if (file.endsWith('.html')) res.setHeader('Cache-Control', 'no-cache');
}
