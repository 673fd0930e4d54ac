import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger } from 'nestjs-pino';
import pino from 'pino';
import { authenticateBeforeParsing } from './access/authenticate-early';
import { TokensService } from './access/tokens.service';
import { AppModule } from './app.module';
import { loadSigningKey } from './audit/signing-key';
import { SigningKeyHolder } from './audit/signing-key.holder';
import { AppConfig, ConfigError, loadConfig } from './config/app-config';
import { EmbeddedDatabase, startEmbeddedDatabase } from './database/embedded-database';
import { runMigrations } from './database/migrate';
import { EmbeddedDatabaseError } from './database/postgres-process';
import { configureHttpServer, createHttpAdapter } from './http-server';

async function bootstrap(config: AppConfig, signingKey: SigningKeyHolder): Promise<void> {
  const log = pino({ level: config.LOG_LEVEL, base: { context: 'bootstrap' } });
  let embedded: EmbeddedDatabase | undefined;
  if (!config.DATABASE_URL) {
    embedded = await startEmbeddedDatabase(config.DATA_DIR, (line) => log.info(line));
  }
  const databaseUrl = config.DATABASE_URL ?? embedded!.url;
  const applied = await runMigrations(databaseUrl);
  if (applied.length) log.info({ migrations: applied }, 'migrations applied');

  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config, databaseUrl, signingKey), createHttpAdapter(config), {
    bufferLogs: true,
    bodyParser: false, // http-server.ts installs a lossless JSON parser instead
  });
  app.useLogger(app.get(Logger));
  await configureHttpServer(app);
  authenticateBeforeParsing(app);
  if (config.ADMIN_TOKEN) await app.get(TokensService).ensureBootstrapAdmin(config.ADMIN_TOKEN);
  await app.listen(config.PORT, config.HOST);
  log.info({ url: await app.getUrl() }, 'AidTrail is listening');

  // Stop taking requests, let those in flight finish, close the pool, then stop the embedded server.
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    try {
      await app.close();
      await embedded?.stop();
    } finally {
      process.exit(0);
    }
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void shutdown(signal));
}

let config: AppConfig;
let signingKey: SigningKeyHolder;
try {
  config = loadConfig();
  signingKey = new SigningKeyHolder(loadSigningKey(config));
} catch (error) {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
  throw error;
}
bootstrap(config, signingKey).catch((error: unknown) => {
  // A cause the operator can fix is one line naming the fix; anything else keeps its stack.
  const told = error instanceof EmbeddedDatabaseError ? error.message : undefined;
  process.stderr.write(`AidTrail failed to start: ${told ?? (error as Error)?.stack ?? String(error)}\n`);
  process.exit(1);
});
