/**
 * Builds the HTTP application from a configuration: the API under /api, its OpenAPI document at /api/docs,
 * and the built web UI at /. Used by main.ts and by the tests, so both run the same application.
 */
import { LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { NextFunction, Request, Response } from 'express';
import helmet from 'helmet';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { AppModule } from './app.module';
import { ApiExceptionFilter } from './common/api-exception.filter';
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
  app.use(securityHeaders());
  // No CORS headers at all unless origins are configured: the web UI is served from the same origin.
  if (config.corsOrigins.length) app.enableCors({ origin: config.corsOrigins, credentials: true });
  app.useBodyParser('json', { limit: '1mb', reviver: refusePrototypeKeys });
  app.setGlobalPrefix('api');
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new ApiExceptionFilter(app.getHttpAdapter()));
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
      // With API_TOKEN set, every route but /api/health and /api/auth/session needs it.
      .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'The server\'s API_TOKEN' })
      .addSecurityRequirements('bearer')
      .build(),
  );
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs-json' });

  serveWebUi(app, config.webRoot);
  return app;
}

/**
 * JSON.parse makes a key such as `"__proto__"`, `"constructor"` or `"valueOf"` an own property, and the
 * ValidationPipe's whitelist never flags a key that names a member of Object.prototype (class-transformer skips
 * some, class-validator looks the rest up in a plain object, where `valueOf` is always found): so
 * `{"name":"x","valueOf":"1e3"}` was stored as if the field were not there (found by the fast-check property
 * test). Every such key is refused, at any depth, like any unknown field; the body parser turns the throw into a
 * 400 with this message. (So a run's env cannot name a variable `valueOf` or `toString`: no real program needs one.)
 */
const PROTOTYPE_KEYS = new Set([...Object.getOwnPropertyNames(Object.prototype), 'prototype']);
function refusePrototypeKeys(key: string, value: unknown): unknown {
  if (PROTOTYPE_KEYS.has(key)) throw new SyntaxError(`property ${key} should not exist`);
  return value;
}

/**
 * helmet's defaults, with a Content-Security-Policy that the Angular app, xterm.js and Swagger UI work under:
 * scripts only from this origin (no inline scripts), inline styles allowed (Angular components and xterm set
 * them), and the one inline handler Angular's critical-CSS inlining writes (`onload="this.media='all'"`)
 * allowed by its hash. No upgrade-insecure-requests and no HSTS: the server speaks plain HTTP, and on a LAN
 * address those would break it; a TLS proxy in front sets HSTS.
 */
function securityHeaders() {
  return helmet({
    contentSecurityPolicy: {
      directives: {
        'script-src': ["'self'"],
        'script-src-attr': ["'unsafe-hashes'", "'sha256-MhtPZXr7+LpJUY5qtMutB+qWfQtMaPccfe7QXtCcEYc='"],
        'style-src': ["'self'", "'unsafe-inline'"],
        'img-src': ["'self'", 'data:'],
        'connect-src': ["'self'"],
        'upgrade-insecure-requests': null,
      },
    },
    strictTransportSecurity: false,
  });
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
