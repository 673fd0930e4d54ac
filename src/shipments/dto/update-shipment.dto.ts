import { PartialType } from '@nestjs/swagger';
import { CreateShipmentDto } from './create-shipment.dto';

/** Any field of a shipment; `items`, when sent, replaces all lines. Only while `planned`. */
export class UpdateShipmentDto extends PartialType(CreateShipmentDto) {}
