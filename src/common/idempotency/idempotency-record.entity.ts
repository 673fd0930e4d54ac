import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * The stored response of a POST sent with an Idempotency-Key, written in the same transaction as the
 * change it answers: a key is either bound to a committed change or free, never half-used.
 */
@Entity('idempotency_record')
@Index('idempotency_record_age', ['createdAt'])
export class IdempotencyRecordEntity {
  /** Keys are scoped to the token that sent them. */
  @PrimaryColumn('uuid', { name: 'token_id' }) tokenId: string;
  @PrimaryColumn('text') key: string;
  @Column('bytea', { name: 'request_hash' }) requestHash: Buffer;
  @Column('integer', { name: 'status_code' }) statusCode: number;
  @Column('jsonb', { name: 'response_body' }) responseBody: object;
  @Column('timestamptz', { name: 'created_at' }) createdAt: Date;
}
