import { Body, Controller, Get, Headers, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiTags } from '@nestjs/swagger';
import { ApiAuthenticatedProblems, ApiProblems } from '../common/openapi/api-problems.decorator';
import { ApiSuccess } from '../common/openapi/api-success.decorator';
import type { FastifyReply } from 'fastify';
import { ANY_ROLE, Ctx, Roles } from '../access/access.decorators';
import { formatEtag } from '../common/etag';
import type { RequestContext } from '../common/request-context';
import { CreateShipmentDto } from './dto/create-shipment.dto';
import { ListShipmentsQueryDto } from './dto/list-shipments-query.dto';
import { ShipmentDto, ShipmentSummaryPageDto } from './dto/shipment-response.dto';
import { UpdateShipmentDto } from './dto/update-shipment.dto';
import { ShipmentsService } from './shipments.service';
import { Idempotent } from '../common/idempotency/idempotent.decorator';

@ApiTags('shipments')
@ApiBearerAuth()
@ApiAuthenticatedProblems()
@Controller('shipments')
export class ShipmentsController {
  constructor(private readonly shipments: ShipmentsService) {}

  /** Records a planned shipment with its lines. */
  @Post()
  @Idempotent()
  @Roles('admin', 'coordinator')
  @ApiSuccess({ status: 201, type: ShipmentDto, description: 'The shipment as recorded: reference, status planned, totals, warnings.' })
  @ApiProblems(
    403,
    { status: 409, code: 'duplicate-reference', detail: 'A shipment with this reference already exists.' },
    413,
    415,
    {
      status: 422,
      code: 'unprocessable',
      detail: 'recipientId: no organization has this id',
      errors: [{ path: 'recipientId', message: 'no organization has this id' }],
    },
  )
  create(@Ctx() context: RequestContext, @Body() body: CreateShipmentDto) {
    return this.shipments.create(context, body);
  }

  /** Shipments the caller may see, newest first by default; keyset-paginated. */
  @Get()
  @Roles(...ANY_ROLE)
  @ApiSuccess({ type: ShipmentSummaryPageDto, description: 'A page of shipments.' })
  list(@Ctx() context: RequestContext, @Query() query: ListShipmentsQueryDto) {
    return this.shipments.list(context, query);
  }

  /** One shipment by id or reference, with `ETag: "<version>"`. */
  @Get(':idOrReference')
  @Roles(...ANY_ROLE)
  @ApiSuccess({ type: ShipmentDto, etag: true, description: 'The shipment with its lines.' })
  @ApiProblems(404)
  async get(@Ctx() context: RequestContext, @Param('idOrReference') idOrReference: string, @Res({ passthrough: true }) reply: FastifyReply) {
    const shipment = await this.shipments.get(context, idOrReference);
    void reply.header('etag', formatEtag(shipment.version));
    return shipment;
  }

  /** Edits a planned shipment; `items` replaces all lines. Needs `If-Match: "<version>"`. */
  @Patch(':id')
  @Roles('admin', 'coordinator')
  @ApiHeader({ name: 'If-Match', required: true, description: 'The ETag of the version being edited', schema: { type: 'string', example: '"1"' } })
  @ApiSuccess({ type: ShipmentDto, etag: true, description: 'The shipment as edited.' })
  @ApiProblems(403, 404, { status: 409, code: 'not-editable', detail: 'A shipment can be edited only while planned; this one is dispatched.' }, 412, 413, 415, 422, 428)
  async update(
    @Ctx() context: RequestContext,
    @Param('id') id: string,
    @Body() body: UpdateShipmentDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const shipment = await this.shipments.update(context, id, body, ifMatch);
    void reply.header('etag', formatEtag(shipment.version));
    return shipment;
  }
}
