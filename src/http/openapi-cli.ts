import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { generateKeyPairSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { AppModule } from '../app.module';
import { loadSigningKey } from '../audit/signing-key';
import { SigningKeyHolder } from '../audit/signing-key.holder';
import { loadConfig } from '../config/app-config';
import { configureHttpServer, createHttpAdapter } from '../http-server';
import { buildOpenApiDocument } from './openapi';
import { stableJson } from './stable-json';

/**
 * Writes openapi.json (or the path given) from the code, without a database: Nest's preview mode
 * resolves the modules and routes but instantiates no provider, so nothing connects anywhere.
 */
async function main(): Promise<void> {
  const target = resolve(process.argv[2] ?? 'openapi.json');
  // The defaults, not this shell's environment: the document must not depend on who generates it.
  const config = loadConfig({});
  const pem = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const signingKey = new SigningKeyHolder(loadSigningKey(Object.assign(config, { AUDIT_SIGNING_KEY: pem })));
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot(config, 'postgres://openapi@127.0.0.1:1/none', signingKey),
    createHttpAdapter({ ...config, LOG_LEVEL: 'silent' }),
    { preview: true, logger: false, bodyParser: false },
  );
  await configureHttpServer(app);
  writeFileSync(target, stableJson(buildOpenApiDocument(app)));
  await app.close();
  process.stdout.write(`wrote ${target}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`openapi: ${(error as Error)?.stack ?? String(error)}\n`);
  process.exit(1);
});
