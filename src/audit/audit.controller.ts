import { Controller, Get, Headers, Param, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ApiAuthenticatedProblems, ApiProblems } from '../common/openapi/api-problems.decorator';
import { ApiSuccess } from '../common/openapi/api-success.decorator';
import type { FastifyReply } from 'fastify';
import { Readable } from 'node:stream';
import { ANY_ROLE, Ctx, Roles } from '../access/access.decorators';
import { PageQueryDto } from '../common/page';
import type { RequestContext } from '../common/request-context';
import { AuditService } from './audit.service';
import {
  AuditEntryPageDto,
  CheckpointDto,
  ConsistencyProofDto,
  InclusionProofDto,
  PublicKeyDto,
  VerificationReportDto,
} from './dto/audit-response.dto';
import { AuditListQueryDto, CheckpointQueryDto, ConsistencyQueryDto, ExportQueryDto, InclusionQueryDto } from './dto/audit-query.dto';

@ApiTags('audit trail')
@ApiBearerAuth()
@ApiAuthenticatedProblems()
@Controller()
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  /** Audit entries in recording order; `seq` and `leafHash` are null until sequenced (within 2 s). */
  @Get('audit')
  @Roles('admin', 'auditor')
  @ApiSuccess({ type: AuditEntryPageDto, description: 'A page of audit entries.' })
  @ApiProblems(403)
  list(@Query() query: AuditListQueryDto) {
    return this.audit.list(query);
  }

  /** The latest signed checkpoint. With `since`, also the consistency proof from that size. Cheap to poll: ETag. */
  @Get('audit/checkpoint')
  @Roles(...ANY_ROLE)
  @ApiSuccess({ type: CheckpointDto, etag: true, description: 'The latest signed checkpoint (ETag: its tree size, and `since`).' })
  @ApiSuccess({ status: 304, etag: true, description: 'If-None-Match named the current ETag: no newer checkpoint.' })
  @ApiProblems({
    status: 409,
    code: 'tree-size-ahead',
    detail: "You hold a tree of 50 entries but the log's latest checkpoint has 42: keep your checkpoint, it is evidence.",
  })
  async checkpoint(
    @Query() query: CheckpointQueryDto,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const checkpoint = await this.audit.checkpoint(query.since);
    const etag = `"${checkpoint.treeSize}${query.since === undefined ? '' : `-${query.since}`}"`;
    void reply.header('etag', etag).header('cache-control', 'no-cache');
    if (ifNoneMatch === etag) {
      void reply.status(304);
      return undefined;
    }
    return checkpoint;
  }

  /** The key that signs checkpoints, as PEM and as a signed-note verifier key. */
  @Get('audit/public-key')
  @Roles(...ANY_ROLE)
  @ApiSuccess({ type: PublicKeyDto, description: 'The checkpoint signing key.' })
  publicKey() {
    return this.audit.publicKey();
  }

  /** RFC 9162 inclusion proof of leaf `seq` in the tree of `treeSize` leaves. */
  @Get('audit/proof/inclusion')
  @Roles(...ANY_ROLE)
  @ApiSuccess({ type: InclusionProofDto, description: 'The leaf hash and its audit path.' })
  @ApiProblems({ status: 404, code: 'not-found', detail: 'Leaf 7 was not found.' })
  inclusion(@Query() query: InclusionQueryDto) {
    return this.audit.inclusion(query.seq, query.treeSize);
  }

  /** RFC 9162 consistency proof between two tree sizes. */
  @Get('audit/proof/consistency')
  @Roles(...ANY_ROLE)
  @ApiSuccess({ type: ConsistencyProofDto, description: 'The consistency path.' })
  consistency(@Query() query: ConsistencyQueryDto) {
    return this.audit.consistency(query.from, query.to);
  }

  /** Recomputes every leaf and the root from the stored entries and checks them against the signed checkpoints. */
  @Get('audit/verify')
  @Roles('admin', 'auditor')
  @ApiSuccess({ type: VerificationReportDto, description: 'What was checked and whether it holds.' })
  @ApiProblems(403)
  verify() {
    return this.audit.verify();
  }

  /** The log as NDJSON, streamed: entries, then the checkpoint that covers them. */
  @Get('audit/export')
  @Roles('admin', 'auditor')
  @ApiSuccess({
    description: 'One JSON object per line: `{"seq":N,"leafHash":"<hex>",…entry}` (docs/audit.md), then the covering checkpoint.',
    content: { 'application/x-ndjson': { schema: { type: 'string' } } },
  })
  @ApiProblems(403)
  export(@Query() query: ExportQueryDto, @Res() reply: FastifyReply) {
    void reply
      .type('application/x-ndjson; charset=utf-8')
      .header('content-disposition', 'attachment; filename="aidtrail-audit.ndjson"')
      .send(Readable.from(this.audit.exportLines(query.fromSeq, query.toSeq)));
  }

  /** A shipment's audit entries, oldest first. */
  @Get('shipments/:id/history')
  @Roles('admin', 'auditor', 'coordinator')
  @ApiSuccess({ type: AuditEntryPageDto, description: "A page of the shipment's audit entries." })
  @ApiProblems(403, 404)
  history(@Ctx() context: RequestContext, @Param('id') id: string, @Query() query: PageQueryDto) {
    return this.audit.history(context, id, query);
  }
}
