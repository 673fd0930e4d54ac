import { plainToInstance, Transform } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  validateSync,
} from 'class-validator';
import { DEFAULT_QUERY_TIMEOUT_MS } from '../database/pool-settings';
import { parseWitnessList, WitnessListError } from '../audit/witness/witness-list';
import { trustProxySetting } from './trust-proxy';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const toInt = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;
const toBool = ({ value }: { value: unknown }) => {
  if (typeof value !== 'string') return value;
  const v = value.trim().toLowerCase();
  return v === 'true' || v === '1' ? true : v === 'false' || v === '0' ? false : value;
};

/** The environment, validated once at boot. Names are the variables of the contract. */
export class AppConfig {
  @Transform(toInt) @IsInt() @Min(0) @Max(65535)
  PORT = 3000;

  @IsString() @MinLength(1)
  HOST = '0.0.0.0';

  /** Unset: an embedded PostgreSQL under DATA_DIR. */
  @IsOptional() @Matches(/^postgres(ql)?:\/\/\S+$/, { message: 'must be a postgres:// URL' })
  DATABASE_URL?: string;

  @IsString() @MinLength(1)
  DATA_DIR = './.data';

  /** A bearer secret that is guaranteed to exist as an admin token after start-up. */
  @IsOptional() @IsString() @MinLength(16, { message: 'must be at least 16 characters' }) @MaxLength(256)
  ADMIN_TOKEN?: string;

  /** Ed25519 private key, PEM. Unset: generated once into DATA_DIR. */
  @IsOptional() @Matches(/-----BEGIN PRIVATE KEY-----[\s\S]+-----END PRIVATE KEY-----/, {
    message: 'must be an Ed25519 private key in PKCS#8 PEM',
  })
  AUDIT_SIGNING_KEY?: string;

  /** The checkpoint origin line (C2SP tlog-checkpoint): a schema-less URL-like name. */
  @IsString() @Matches(/^[\x21-\x7e]+$/, { message: 'must be one line of printable ASCII without spaces' })
  AUDIT_LOG_ORIGIN = 'aidtrail.local/audit';

  /** Witnesses that cosign checkpoints: comma-separated `<verifier key>@<submission prefix URL>` (audit/witness/witness-list.ts). */
  @IsOptional() @IsString()
  AUDIT_WITNESSES?: string;

  /** Advanced: how long a witness has to answer one add-checkpoint request (ms). */
  @Transform(toInt) @IsInt() @Min(100) @Max(60_000)
  AUDIT_WITNESS_TIMEOUT_MS = 5_000;

  @Transform(toBool) @IsBoolean()
  WEBHOOK_ALLOW_PRIVATE = false;

  /** Advanced: the first webhook retry waits about this long (ms); later ones double, with jitter. */
  @Transform(toInt) @IsInt() @Min(10) @Max(24 * 60 * 60 * 1000)
  WEBHOOK_RETRY_BASE_MS = 30_000;

  /** Advanced: how long a receiver has to answer a webhook delivery (ms). */
  @Transform(toInt) @IsInt() @Min(100) @Max(60_000)
  WEBHOOK_TIMEOUT_MS = 10_000;

  /**
   * Longest a summary report may run in PostgreSQL (ms) before the server cancels it (503 database-busy).
   * Below DATABASE_QUERY_TIMEOUT_MS, so that a report nobody waits for any more does not keep running
   * and slow the next ones down.
   */
  @Transform(toInt) @IsInt() @Min(1) @Max(10 * 60 * 1000)
  REPORT_TIMEOUT_MS = 25_000;

  /** Webhook subscriptions one organization may hold (those of unscoped tokens count as one more organization). */
  @Transform(toInt) @IsInt() @Min(1) @Max(10_000)
  WEBHOOK_SUBSCRIPTIONS_PER_ORGANIZATION = 25;

  /** Advanced: how often idempotency records past their 24 hours are deleted (ms). */
  @Transform(toInt) @IsInt() @Min(100) @Max(24 * 60 * 60 * 1000)
  IDEMPOTENCY_SWEEP_INTERVAL_MS = 60 * 60 * 1000;

  /** Advanced: how often each instance looks for due webhook deliveries (ms). */
  @Transform(toInt) @IsInt() @Min(10) @Max(60_000)
  WEBHOOK_POLL_MS = 1_000;

  @IsIn(LOG_LEVELS)
  LOG_LEVEL: (typeof LOG_LEVELS)[number] = 'info';

  /** Connections per service instance. With N instances, N × this must stay under max_connections. */
  @Transform(toInt) @IsInt() @Min(1) @Max(200)
  DATABASE_POOL_SIZE = 20;

  /**
   * Advanced: how long the service waits for one query's answer (ms) before it answers 503 database-busy.
   * Streams whose length the data or the reader sets (exports, audit verification) and migrations are
   * exempt.
   */
  @Transform(toInt) @IsInt() @Min(100) @Max(10 * 60 * 1000)
  DATABASE_QUERY_TIMEOUT_MS = DEFAULT_QUERY_TIMEOUT_MS;

  /** Largest request body accepted, in bytes: a CSV import's (10,000 lines fit). */
  @Transform(toInt) @IsInt() @Min(1024) @Max(100 * 1024 * 1024)
  BODY_LIMIT_BYTES = 10 * 1024 * 1024;

  /**
   * Largest JSON body, in bytes (and never above BODY_LIMIT_BYTES): JSON is parsed in one piece on the
   * event loop, and a shipment of 1,000 lines takes about 200 KB.
   */
  @Transform(toInt) @IsInt() @Min(1024) @Max(100 * 1024 * 1024)
  JSON_BODY_LIMIT_BYTES = 1024 * 1024;

  /** Failed bearer tokens a client address may send per window before it gets 429 (per instance, in memory). */
  @Transform(toInt) @IsInt() @Min(1) @Max(1_000_000)
  AUTH_FAILURE_LIMIT = 30;

  @Transform(toInt) @IsInt() @Min(1) @Max(86_400)
  AUTH_FAILURE_WINDOW_SECONDS = 60;

  /** The proxies whose X-Forwarded-For names the client (trust-proxy.ts). Unset: none, the socket's peer is the client. */
  @IsOptional() @IsString()
  TRUST_PROXY?: string;
}

export class ConfigError extends Error {}

/** Validates the environment; throws a ConfigError whose message is one line naming the variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const defined = Object.fromEntries(
    Object.keys(new AppConfig())
      .concat(['DATABASE_URL', 'ADMIN_TOKEN', 'AUDIT_SIGNING_KEY', 'AUDIT_WITNESSES', 'TRUST_PROXY'])
      .filter((key) => env[key] !== undefined && env[key] !== '')
      .map((key) => [key, env[key]]),
  );
  const config = plainToInstance(AppConfig, defined);
  const [first] = validateSync(config, { whitelist: true });
  if (first) {
    const message = Object.values(first.constraints ?? {})[0] ?? 'is invalid';
    throw new ConfigError(`Invalid configuration: ${first.property} ${message.replace(`${first.property} `, '')}`);
  }
  try {
    trustProxySetting(config.TRUST_PROXY);
  } catch (error) {
    throw new ConfigError(`Invalid configuration: TRUST_PROXY ${(error as Error).message}`);
  }
  if (config.REPORT_TIMEOUT_MS >= config.DATABASE_QUERY_TIMEOUT_MS) {
    throw new ConfigError(
      `Invalid configuration: REPORT_TIMEOUT_MS must be below DATABASE_QUERY_TIMEOUT_MS (${config.DATABASE_QUERY_TIMEOUT_MS})`,
    );
  }
  try {
    parseWitnessList(config.AUDIT_WITNESSES);
  } catch (error) {
    if (error instanceof WitnessListError) throw new ConfigError(`Invalid configuration: AUDIT_WITNESSES ${error.message}`);
    throw error;
  }
  return config;
}
