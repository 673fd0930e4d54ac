import { Body, Controller, Get, Headers, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiTags } from '@nestjs/swagger';
import { ApiAuthenticatedProblems, ApiProblems } from '../common/openapi/api-problems.decorator';
import { ApiSuccess } from '../common/openapi/api-success.decorator';
import { ANY_ROLE, Ctx, Roles } from '../access/access.decorators';
import { PageQueryDto } from '../common/page';
import type { RequestContext } from '../common/request-context';
import { RecordEventDto, VoidEventDto } from './dto/record-event.dto';
import { EventPageDto, EventRecordedDto, EventVoidedDto } from './dto/shipment-response.dto';
import { ShipmentEventsService } from './shipment-events.service';
import { Idempotent } from '../common/idempotency/idempotent.decorator';

@ApiTags('delivery lifecycle')
@ApiBearerAuth()
@ApiAuthenticatedProblems()
@Controller('shipments/:id/events')
export class ShipmentEventsController {
  constructor(private readonly events: ShipmentEventsService) {}

  /** Records a delivery event (the new status). `If-Match` is honoured when sent. */
  @Post()
  @Idempotent()
  @Roles('admin', 'coordinator')
  @ApiHeader({ name: 'If-Match', required: false, description: 'The ETag of the version being edited; a stale one answers 412.', schema: { type: 'string', example: '"1"' } })
  @ApiSuccess({ status: 201, type: EventRecordedDto, description: 'The event and the shipment’s new status and version.' })
  @ApiProblems(403, 404, 409, 412, 413, 415, 422)
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
  @ApiSuccess({ type: EventPageDto, description: 'A page of the timeline.' })
  @ApiProblems(404)
  timeline(@Ctx() context: RequestContext, @Param('id') id: string, @Query() query: PageQueryDto) {
    return this.events.timeline(context, id, query);
  }

  /** Voids the latest status event; the shipment returns to the status before it. */
  @Post(':eventId/void')
  @Idempotent()
  @Roles('admin', 'coordinator')
  @ApiSuccess({ status: 201, type: EventVoidedDto, description: 'The void event, the event voided and the shipment’s status and version.' })
  @ApiProblems(403, 404, { status: 409, code: 'not-voidable', detail: 'Only the latest status event can be voided; void the later ones first.' }, 413, 415)
  void(
    @Ctx() context: RequestContext,
    @Param('id') id: string,
    @Param('eventId', new ParseUUIDPipe()) eventId: string,
    @Body() body: VoidEventDto,
  ) {
    return this.events.void(context, id, eventId, body.reason);
  }
}
