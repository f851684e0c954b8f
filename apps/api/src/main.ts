/**
 * Starts ml-portal: reads the configuration, starts an embedded PostgreSQL when no DATABASE_URL is given,
 * runs the migrations, and serves the API and the web UI on one port. SIGINT/SIGTERM stop everything it started.
 */
import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { ConfigError, loadConfig } from './config/app-config';
import { createApp } from './create-app';
import { EmbeddedDatabase, startEmbeddedPostgres } from './database/embedded-postgres';

async function main(): Promise<void> {
  const logger = new Logger('ml-portal');
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`ml-portal: ${error.message}`);
      process.exit(2);
    }
    throw error;
  }

  let embedded: EmbeddedDatabase | undefined;
  let databaseUrl = config.databaseUrl;
  if (!databaseUrl) {
    logger.log(`no DATABASE_URL: starting the embedded PostgreSQL in ${config.dataDir}`);
    embedded = await startEmbeddedPostgres(config.dataDir);
    databaseUrl = embedded.url;
  }

  let app;
  try {
    app = await createApp({ ...config, databaseUrl });
    await app.listen(config.port, config.host);
  } catch (error) {
    logger.error(`could not start: ${(error as Error).message}`);
    await embedded?.stop();
    process.exit(1);
  }
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  logger.log(`ml-portal is ready: http://${config.host}:${port}/  (API docs: http://${config.host}:${port}/api/docs)`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.log(`${signal}: stopping`);
    const forced = setTimeout(() => {
      logger.error('did not stop in time; exiting');
      process.exit(1);
    }, config.runCancelGraceMs + 20_000);
    forced.unref();
    try {
      await app.close();
    } finally {
      await embedded?.stop();
    }
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

void main();
