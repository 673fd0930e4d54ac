import { Body, Controller, Get, Headers, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ANY_ROLE, Ctx, Roles } from '../access/access.decorators';
import { PageQueryDto } from '../common/page';
import type { RequestContext } from '../common/request-context';
import { RecordEventDto, VoidEventDto } from './dto/record-event.dto';
import { ShipmentEventsService } from './shipment-events.service';
import { Idempotent } from '../common/idempotency/idempotent.decorator';

@ApiTags('delivery lifecycle')
@ApiBearerAuth()
@Controller('shipments/:id/events')
export class ShipmentEventsController {
  constructor(private readonly events: ShipmentEventsService) {}

  /** Records a delivery event (the new status). `If-Match` is honoured when sent. */
  @Post()
  @Idempotent()
  @Roles('admin', 'coordinator')
  record(
    @Ctx() context: RequestContext,
    @Param('id') id: string,
    @Body() body: RecordEventDto,
    @Headers('if-match') ifMatch: string | undefined,
  ) {
    return this.events.record(context, id, body, ifMatch);
  }

  /** The timeline, oldest first, voided events included and marked. */
  @Get()
  @Roles(...ANY_ROLE)
  timeline(@Ctx() context: RequestContext, @Param('id') id: string, @Query() query: PageQueryDto) {
    return this.events.timeline(context, id, query);
  }

  /** Voids the latest status event; the shipment returns to the status before it. */
  @Post(':eventId/void')
  @Idempotent()
  @Roles('admin', 'coordinator')
  void(
    @Ctx() context: RequestContext,
    @Param('id') id: string,
    @Param('eventId', new ParseUUIDPipe()) eventId: string,
    @Body() body: VoidEventDto,
  ) {
    return this.events.void(context, id, eventId, body.reason);
  }
}
