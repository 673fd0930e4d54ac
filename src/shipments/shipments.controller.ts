import { Body, Controller, Get, Headers, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ANY_ROLE, Ctx, Roles } from '../access/access.decorators';
import { formatEtag } from '../common/etag';
import type { RequestContext } from '../common/request-context';
import { CreateShipmentDto } from './dto/create-shipment.dto';
import { ListShipmentsQueryDto } from './dto/list-shipments-query.dto';
import { UpdateShipmentDto } from './dto/update-shipment.dto';
import { ShipmentsService } from './shipments.service';
import { Idempotent } from '../common/idempotency/idempotent.decorator';

@ApiTags('shipments')
@ApiBearerAuth()
@Controller('shipments')
export class ShipmentsController {
  constructor(private readonly shipments: ShipmentsService) {}

  /** Records a planned shipment with its lines. */
  @Post()
  @Idempotent()
  @Roles('admin', 'coordinator')
  create(@Ctx() context: RequestContext, @Body() body: CreateShipmentDto) {
    return this.shipments.create(context, body);
  }

  /** Shipments the caller may see, newest first by default; keyset-paginated. */
  @Get()
  @Roles(...ANY_ROLE)
  list(@Ctx() context: RequestContext, @Query() query: ListShipmentsQueryDto) {
    return this.shipments.list(context, query);
  }

  /** One shipment by id or reference, with `ETag: "<version>"`. */
  @Get(':idOrReference')
  @Roles(...ANY_ROLE)
  async get(@Ctx() context: RequestContext, @Param('idOrReference') idOrReference: string, @Res({ passthrough: true }) reply: FastifyReply) {
    const shipment = await this.shipments.get(context, idOrReference);
    void reply.header('etag', formatEtag(shipment.version));
    return shipment;
  }

  /** Edits a planned shipment; `items` replaces all lines. Needs `If-Match: "<version>"`. */
  @Patch(':id')
  @Roles('admin', 'coordinator')
  @ApiHeader({ name: 'If-Match', required: true, description: 'The ETag of the version being edited' })
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
