import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Patch,
  Post,
  Query,
} from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ApiAuthenticatedProblems, ApiProblems, notFound } from '../common/openapi/api-problems.decorator';
import { ApiSuccess } from '../common/openapi/api-success.decorator';
import { Ctx, Roles } from '../access/access.decorators';
import { ShownOnce } from '../common/idempotency/idempotency.interceptor';
import { Idempotent } from '../common/idempotency/idempotent.decorator';
import { PageQueryDto } from '../common/page';
import type { RequestContext } from '../common/request-context';
import {
  CreateWebhookDto,
  UpdateWebhookDto,
  WebhookDeliveryPageDto,
  WebhookDto,
  WebhookPageDto,
  WebhookWithSecretDto,
} from './dto/webhook.dto';
import { WebhooksService } from './webhooks.service';

const MANAGERS = ['admin', 'coordinator', 'partner'] as const;
const READERS = [...MANAGERS, 'auditor'] as const;

@ApiTags('webhooks')
@ApiBearerAuth()
@ApiAuthenticatedProblems()
@Controller('webhooks')
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  /**
   * Subscribes a URL to shipment events. The signing `secret` is in this response only (a replay by
   * Idempotency-Key answers without it). A partner's subscription carries only its organization's shipments.
   */
  @Post()
  @Idempotent()
  @ShownOnce('secret')
  @Roles(...MANAGERS)
  @ApiSuccess({ status: 201, type: WebhookWithSecretDto, description: 'The subscription, with its signing secret (only here).' })
  @ApiProblems(403, 413, 415, 422)
  create(@Ctx() context: RequestContext, @Body() body: CreateWebhookDto): Promise<WebhookWithSecretDto> {
    return this.webhooks.create(context, body);
  }

  /** The caller's subscriptions (its organization's; every one for admins), newest first, without secrets. */
  @Get()
  @Roles(...READERS)
  @ApiSuccess({ type: WebhookPageDto, description: 'A page of subscriptions.' })
  @ApiProblems(403)
  list(@Ctx() context: RequestContext, @Query() query: PageQueryDto) {
    return this.webhooks.list(context, query);
  }

  /** One subscription, without its secret. */
  @Get(':id')
  @Roles(...READERS)
  @ApiSuccess({ type: WebhookDto, description: 'The subscription.' })
  @ApiProblems(403, notFound('Webhook'))
  get(@Ctx() context: RequestContext, @Param('id', new ParseUUIDPipe()) id: string): Promise<WebhookDto> {
    return this.webhooks.get(context, id);
  }

  /**
   * Edits the URL or events; `{"active": false}` pauses the subscription and `{"active": true}` resumes
   * it. While paused, events are not queued for it; deliveries queued before the pause wait and are
   * sent after the resume.
   */
  @Patch(':id')
  @Roles(...MANAGERS)
  @ApiSuccess({ type: WebhookDto, description: 'The subscription as edited.' })
  @ApiProblems(403, notFound('Webhook'), 413, 415, 422)
  update(
    @Ctx() context: RequestContext,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: UpdateWebhookDto,
  ): Promise<WebhookDto> {
    return this.webhooks.update(context, id, body);
  }

  /** Replaces the signing secret, effective at once for every later delivery; the new one is shown only here. */
  @Post(':id/rotate-secret')
  @Idempotent()
  @ShownOnce('secret')
  @HttpCode(200)
  @Roles(...MANAGERS)
  @ApiSuccess({ type: WebhookWithSecretDto, description: 'The subscription with its new secret (only here).' })
  @ApiProblems(403, notFound('Webhook'))
  rotateSecret(
    @Ctx() context: RequestContext,
    @Param('id', new ParseUUIDPipe()) id: string,
  ): Promise<WebhookWithSecretDto> {
    return this.webhooks.rotateSecret(context, id);
  }

  /** Deletes the subscription, its queued deliveries and their log. */
  @Delete(':id')
  @HttpCode(204)
  @Roles(...MANAGERS)
  @ApiSuccess({ status: 204, description: 'Deleted.' })
  @ApiProblems(403, notFound('Webhook'))
  async delete(@Ctx() context: RequestContext, @Param('id', new ParseUUIDPipe()) id: string): Promise<void> {
    await this.webhooks.delete(context, id);
  }

  /** Deliveries, newest first, each with every attempt (status code, latency, error, next try). */
  @Get(':id/deliveries')
  @Roles(...READERS)
  @ApiSuccess({ type: WebhookDeliveryPageDto, description: 'A page of deliveries.' })
  @ApiProblems(403, notFound('Webhook'))
  deliveries(
    @Ctx() context: RequestContext,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Query() query: PageQueryDto,
  ) {
    return this.webhooks.deliveries(context, id, query);
  }
}
