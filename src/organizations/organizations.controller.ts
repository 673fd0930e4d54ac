import { Body, Controller, Get, Headers, Param, ParseUUIDPipe, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Ctx, Roles } from '../access/access.decorators';
import { formatEtag } from '../common/etag';
import type { RequestContext } from '../common/request-context';
import { CreateOrganizationDto, ListOrganizationsQueryDto, OrganizationDto, UpdateOrganizationDto } from './dto/organization.dto';
import { OrganizationsService } from './organizations.service';
import { Idempotent } from '../common/idempotency/idempotent.decorator';

@ApiTags('organizations')
@ApiBearerAuth()
@Controller('organizations')
export class OrganizationsController {
  constructor(private readonly organizations: OrganizationsService) {}

  /** Registers a donor, recipient or partner organization. */
  @Post()
  @Idempotent()
  @Roles('admin', 'coordinator')
  create(@Ctx() context: RequestContext, @Body() body: CreateOrganizationDto): Promise<OrganizationDto> {
    return this.organizations.create(context, body);
  }

  @Get()
  @Roles('admin', 'coordinator', 'auditor')
  list(@Query() query: ListOrganizationsQueryDto) {
    return this.organizations.list(query);
  }

  @Get(':id')
  @Roles('admin', 'coordinator', 'auditor')
  async get(@Param('id', new ParseUUIDPipe()) id: string, @Res({ passthrough: true }) reply: FastifyReply): Promise<OrganizationDto> {
    const organization = await this.organizations.get(id);
    void reply.header('etag', formatEtag(organization.version));
    return organization;
  }

  /** Edits an organization. `If-Match` is honoured when sent. */
  @Patch(':id')
  @Roles('admin', 'coordinator')
  async update(
    @Ctx() context: RequestContext,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: UpdateOrganizationDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<OrganizationDto> {
    const organization = await this.organizations.update(context, id, body, ifMatch);
    void reply.header('etag', formatEtag(organization.version));
    return organization;
  }
}
