import { Module } from '@nestjs/common';
import { ShipmentsModule } from '../shipments/shipments.module';
import { WebhookOutbox } from './webhook-outbox';
import { WebhookWorker } from './webhook-worker';
import { WebhooksController } from './webhooks.controller';
import { WebhooksRepository } from './webhooks.repository';
import { WebhooksService } from './webhooks.service';

@Module({
  imports: [ShipmentsModule],
  controllers: [WebhooksController],
  providers: [WebhooksService, WebhooksRepository, WebhookOutbox, WebhookWorker],
})
export class WebhooksModule {}
