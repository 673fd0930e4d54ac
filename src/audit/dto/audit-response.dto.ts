import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PageOf } from '../../common/openapi/page.dto';
import { ROLES } from '../../access/access-token.entity';
import { ENTITY_TYPES } from './audit-query.dto';

const HASH_HEX = '^[0-9a-f]{64}$';
const EXAMPLE_HASH = '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08';

export class AuditActorDto {
  @ApiProperty({ format: 'uuid' })
  tokenId: string;

  @ApiProperty({ example: 'Logistics desk' })
  name: string;

  @ApiProperty({ enum: [...ROLES], example: 'coordinator' })
  role: string;

  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  organizationId: string | null;
}

/** An audit entry exactly as served: its leaf bytes are this JSON less `seq` and `leafHash`, RFC 8785-canonical (docs/audit.md). */
export class AuditEntryDto {
  /** Its index in the Merkle log; null until sequenced (within about 2 s of the change). */
  @ApiProperty({ type: 'integer', nullable: true, example: 41 })
  seq: number | null;

  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'date-time' })
  recordedAt: string;

  @ApiProperty({ example: 'shipment.event_recorded' })
  action: string;

  @ApiProperty({ enum: ENTITY_TYPES, example: 'shipment' })
  entityType: string;

  @ApiProperty({ format: 'uuid' })
  entityId: string;

  @ApiProperty({ type: () => AuditActorDto })
  actor: AuditActorDto;

  @ApiProperty({ type: String, nullable: true })
  requestId: string | null;

  /** The record before the change (null for a creation); its shape is that of the entity as served. */
  @ApiProperty({ type: 'object', nullable: true, additionalProperties: true })
  before: unknown;

  /** The record after the change. */
  @ApiProperty({ type: 'object', nullable: true, additionalProperties: true })
  after: unknown;

  /** SHA-256 of 0x00 ‖ the entry's bytes (RFC 9162 leaf hash), hex; null until sequenced. */
  @ApiProperty({ type: String, nullable: true, pattern: HASH_HEX, example: EXAMPLE_HASH })
  leafHash: string | null;
}

export class AuditEntryPageDto extends PageOf(AuditEntryDto) {}

export class CheckpointConsistencyDto {
  @ApiProperty({ type: 'integer', minimum: 0, example: 40 })
  from: number;

  /** RFC 9162 consistency proof, hex hashes. */
  @ApiProperty({ type: String, isArray: true, pattern: HASH_HEX })
  path: string[];
}

/** A signed checkpoint (C2SP tlog-checkpoint): the tree head that every proof refers to. */
export class CheckpointDto {
  @ApiProperty({ example: 'aidtrail.local/audit' })
  origin: string;

  @ApiProperty({ type: 'integer', minimum: 0, example: 42 })
  treeSize: number;

  /** Base64, as in the signed note. */
  @ApiProperty({ format: 'byte', example: 'n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg=' })
  rootHash: string;

  @ApiProperty({ format: 'date-time' })
  timestamp: string;

  /** The signed note: origin, size and root, then the Ed25519 signature line. */
  @ApiProperty({ example: 'aidtrail.local/audit\n42\nn4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg=\n\n— aidtrail.local/audit q2Jx…\n' })
  note: string;

  /** With `since`: the proof that this tree extends the one of that size. */
  @ApiPropertyOptional({ type: () => CheckpointConsistencyDto })
  consistency?: CheckpointConsistencyDto;
}

export class PublicKeyDto {
  @ApiProperty({ example: 'aidtrail.local/audit' })
  keyName: string;

  /** The signed-note key id (4 bytes), hex. */
  @ApiProperty({ pattern: '^[0-9a-f]{8}$', example: '1a2b3c4d' })
  keyId: string;

  @ApiProperty({ enum: ['Ed25519'] })
  algorithm: string;

  /** SPKI PEM. */
  @ApiProperty({ example: '-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA…\n-----END PUBLIC KEY-----\n' })
  publicKey: string;

  /** The C2SP signed-note verifier key: `<name>+<hex key id>+<base64(0x01 ‖ public key)>`. */
  @ApiProperty({ example: 'aidtrail.local/audit+1a2b3c4d+AbCd…' })
  verifierKey: string;
}

export class InclusionProofDto {
  @ApiProperty({ type: 'integer', minimum: 0, example: 7 })
  seq: number;

  @ApiProperty({ type: 'integer', minimum: 1, example: 42 })
  treeSize: number;

  @ApiProperty({ pattern: HASH_HEX, example: EXAMPLE_HASH })
  leafHash: string;

  /** RFC 9162 inclusion proof, hex hashes, leaf to root. */
  @ApiProperty({ type: String, isArray: true, pattern: HASH_HEX })
  path: string[];
}

export class ConsistencyProofDto {
  @ApiProperty({ type: 'integer', minimum: 0, example: 40 })
  from: number;

  @ApiProperty({ type: 'integer', minimum: 0, example: 42 })
  to: number;

  /** RFC 9162 consistency proof, hex hashes. */
  @ApiProperty({ type: String, isArray: true, pattern: HASH_HEX })
  path: string[];
}

export class VerificationReportDto {
  /** Every leaf, stored subtree and signed checkpoint agrees with the stored entries. */
  @ApiProperty({ example: true })
  valid: boolean;

  @ApiProperty({ type: 'integer', minimum: 0, example: 42 })
  treeSize: number;

  /** The recomputed root, base64. */
  @ApiProperty({ example: 'n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg=' })
  rootHash: string;

  /** Entries checked. */
  @ApiProperty({ type: 'integer', minimum: 0, example: 42 })
  checked: number;

  @ApiPropertyOptional({ type: 'integer', minimum: 0 })
  firstInvalidSeq?: number;

  /** What does not hold, one line each. */
  @ApiPropertyOptional({ type: String, isArray: true })
  problems?: string[];
}
