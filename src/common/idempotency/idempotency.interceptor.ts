import { CallHandler, ExecutionContext, Injectable, NestInterceptor, SetMetadata } from '@nestjs/common';
import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { from, lastValueFrom, Observable } from 'rxjs';
import { Database } from '../../database/sql/database';
import { Problem } from '../problem';
import type { LedgerRequestState } from '../request-context';

const KEY_FORMAT = /^[\x21-\x7e]{1,255}$/;
const SHOWN_ONCE_KEY = 'aidtrail:shown-once';

/**
 * Response fields that are shown once and stored only as hashes (a token's secret). The stored
 * response leaves them out, so a replay answers without them instead of the database keeping them.
 */
export const ShownOnce = (...fields: string[]) => SetMetadata(SHOWN_ONCE_KEY, fields);

/**
 * Idempotency-Key on POST. The stored response is written in the same transaction as the change it
 * answers, so after a crash a key is either bound to a committed change or free to retry. A
 * transaction-scoped advisory lock on (token, key) makes a second request with the same key, arriving
 * while the first still runs, a 409 instead of a second change, across every instance on the database.
 * Keys belong to the token that sent them; a stored response is replayed for 24 hours.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(private readonly database: Database) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<FastifyRequest & LedgerRequestState>();
    const key = request.headers['idempotency-key'];
    if (request.method !== 'POST' || key === undefined || !request.principal) return next.handle();
    if (typeof key !== 'string' || !KEY_FORMAT.test(key)) {
      throw Problem.field('Idempotency-Key', 'must be 1 to 255 printable ASCII characters');
    }
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    // POST answers 201 unless the route says otherwise with @HttpCode.
    const status: number = Reflect.getMetadata('__httpCode__', context.getHandler()) ?? 201;
    const shownOnce: string[] = Reflect.getMetadata(SHOWN_ONCE_KEY, context.getHandler()) ?? [];
    return from(this.once(request, reply, key, status, shownOnce, next));
  }

  private async once(
    request: FastifyRequest & LedgerRequestState,
    reply: FastifyReply,
    key: string,
    status: number,
    shownOnce: string[],
    next: CallHandler,
  ) {
    const tokenId = request.principal!.tokenId;
    const requestHash = createHash('sha256')
      .update(`${request.method} ${request.url}\n`)
      .update(request.rawBody ?? JSON.stringify(request.body ?? null))
      .digest();
    const lockId = createHash('sha256').update(`${tokenId}\n${key}`).digest().readBigInt64BE(0).toString();

    return this.database.transaction(async (tx) => {
      const [{ locked }] = await tx.query<{ locked: boolean }>('SELECT pg_try_advisory_xact_lock($1::bigint) AS locked', [lockId]);
      if (!locked) {
        throw Problem.conflict('A request with this Idempotency-Key is still being processed; retry later.', 'idempotency-in-progress');
      }
      const [stored] = await tx.query<{ request_hash: Buffer; status_code: number; response_body: unknown }>(
        `SELECT request_hash, status_code, response_body FROM idempotency_record
          WHERE token_id = $1 AND key = $2 AND created_at > now() - interval '24 hours'`,
        [tokenId, key],
      );
      if (stored) {
        if (!stored.request_hash.equals(requestHash)) {
          throw Problem.unprocessable('This Idempotency-Key was already used with a different request.');
        }
        void reply.status(stored.status_code).header('idempotent-replayed', 'true');
        return stored.response_body;
      }
      request.ledgerTransaction = tx;
      const body = await lastValueFrom(next.handle(), { defaultValue: null });
      const storable =
        shownOnce.length && body && typeof body === 'object'
          ? Object.fromEntries(Object.entries(body).filter(([field]) => !shownOnce.includes(field)))
          : body;
      await tx.query(
        `INSERT INTO idempotency_record (token_id, key, request_hash, status_code, response_body, created_at)
         VALUES ($1, $2, $3, $4, $5, now())
         ON CONFLICT (token_id, key) DO UPDATE
           SET request_hash = EXCLUDED.request_hash, status_code = EXCLUDED.status_code,
               response_body = EXCLUDED.response_body, created_at = EXCLUDED.created_at`,
        [tokenId, key, requestHash, status, JSON.stringify(storable)],
      );
      return body;
    });
  }
}
