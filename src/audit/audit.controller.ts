import { Controller, Get, Headers, Param, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Readable } from 'node:stream';
import { ANY_ROLE, Ctx, Roles } from '../access/access.decorators';
import { PageQueryDto } from '../common/page';
import type { RequestContext } from '../common/request-context';
import { AuditService } from './audit.service';
import { AuditListQueryDto, CheckpointQueryDto, ConsistencyQueryDto, ExportQueryDto, InclusionQueryDto } from './dto/audit-query.dto';

@ApiTags('audit trail')
@ApiBearerAuth()
@Controller()
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  /** Audit entries in recording order; `seq` and `leafHash` are null until sequenced (within 2 s). */
  @Get('audit')
  @Roles('admin', 'auditor')
  list(@Query() query: AuditListQueryDto) {
    return this.audit.list(query);
  }

  /**
   * The latest signed checkpoint, with the witnesses' cosignatures. With `since`, also the consistency
   * proof from that size; with `cosigned=N`, the newest checkpoint N witnesses have cosigned (404 while
   * none has). Cheap to poll: ETag.
   */
  @Get('audit/checkpoint')
  @Roles(...ANY_ROLE)
  async checkpoint(
    @Query() query: CheckpointQueryDto,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const checkpoint = await this.audit.checkpoint(query.since, query.cosigned);
    const etag = `"${checkpoint.treeSize}-c${checkpoint.cosignatures.length}${query.since === undefined ? '' : `-${query.since}`}"`;
    void reply.header('etag', etag).header('cache-control', 'no-cache');
    if (ifNoneMatch === etag) {
      void reply.status(304);
      return undefined;
    }
    return checkpoint;
  }

  @Get('audit/public-key')
  @Roles(...ANY_ROLE)
  publicKey() {
    return this.audit.publicKey();
  }

  /** RFC 9162 inclusion proof of leaf `seq` in the tree of `treeSize` leaves. */
  @Get('audit/proof/inclusion')
  @Roles(...ANY_ROLE)
  inclusion(@Query() query: InclusionQueryDto) {
    return this.audit.inclusion(query.seq, query.treeSize);
  }

  /** RFC 9162 consistency proof between two tree sizes. */
  @Get('audit/proof/consistency')
  @Roles(...ANY_ROLE)
  consistency(@Query() query: ConsistencyQueryDto) {
    return this.audit.consistency(query.from, query.to);
  }

  /** Recomputes every leaf and the root from the stored entries and checks them against the signed checkpoints. */
  @Get('audit/verify')
  @Roles('admin', 'auditor')
  verify() {
    return this.audit.verify();
  }

  /** The log as NDJSON, streamed: entries, then the checkpoint that covers them. */
  @Get('audit/export')
  @Roles('admin', 'auditor')
  @ApiProduces('application/x-ndjson')
  export(@Query() query: ExportQueryDto, @Res() reply: FastifyReply) {
    void reply
      .type('application/x-ndjson; charset=utf-8')
      .header('content-disposition', 'attachment; filename="aidtrail-audit.ndjson"')
      .send(Readable.from(this.audit.exportLines(query.fromSeq, query.toSeq)));
  }

  /** A shipment's audit entries, oldest first. */
  @Get('shipments/:id/history')
  @Roles('admin', 'auditor', 'coordinator')
  history(@Ctx() context: RequestContext, @Param('id') id: string, @Query() query: PageQueryDto) {
    return this.audit.history(context, id, query);
  }
}
