import { Body, Controller, Get, Headers, Param, ParseUUIDPipe, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiTags } from '@nestjs/swagger';
import { ApiAuthenticatedProblems, ApiProblems, notFound, type ProblemCase } from '../common/openapi/api-problems.decorator';
import { ApiSuccess } from '../common/openapi/api-success.decorator';
import type { FastifyReply } from 'fastify';
import { Ctx, Roles } from '../access/access.decorators';
import { formatEtag } from '../common/etag';
import type { RequestContext } from '../common/request-context';
import { CreateOrganizationDto, ListOrganizationsQueryDto, OrganizationDto, OrganizationPageDto, UpdateOrganizationDto } from './dto/organization.dto';
import { OrganizationsService } from './organizations.service';
import { Idempotent } from '../common/idempotency/idempotent.decorator';

const DUPLICATE_NAME: ProblemCase = {
  status: 409,
  code: 'duplicate-name',
  detail: 'An organization with this name already exists (names are compared case-insensitively).',
};

@ApiTags('organizations')
@ApiBearerAuth()
@ApiAuthenticatedProblems()
@Controller('organizations')
export class OrganizationsController {
  constructor(private readonly organizations: OrganizationsService) {}

  /** Registers a donor, recipient or partner organization. */
  @Post()
  @Idempotent()
  @Roles('admin', 'coordinator')
  @ApiSuccess({ status: 201, type: OrganizationDto, description: 'The organization as recorded.' })
  @ApiProblems(403, DUPLICATE_NAME, 413, 415)
  create(@Ctx() context: RequestContext, @Body() body: CreateOrganizationDto): Promise<OrganizationDto> {
    return this.organizations.create(context, body);
  }

  /** Organizations by name; `type` and `q` (part of the name) filter. */
  @Get()
  @Roles('admin', 'coordinator', 'auditor')
  @ApiSuccess({ type: OrganizationPageDto, description: 'A page of organizations, by name.' })
  @ApiProblems(403)
  list(@Query() query: ListOrganizationsQueryDto) {
    return this.organizations.list(query);
  }

  /** One organization, with `ETag: "<version>"`. */
  @Get(':id')
  @Roles('admin', 'coordinator', 'auditor')
  @ApiSuccess({ type: OrganizationDto, etag: true, description: 'The organization.' })
  @ApiProblems(403, notFound('Organization'))
  async get(@Param('id', new ParseUUIDPipe()) id: string, @Res({ passthrough: true }) reply: FastifyReply): Promise<OrganizationDto> {
    const organization = await this.organizations.get(id);
    void reply.header('etag', formatEtag(organization.version));
    return organization;
  }

  /** Edits an organization. `If-Match` is honoured when sent. */
  @Patch(':id')
  @Roles('admin', 'coordinator')
  @ApiHeader({ name: 'If-Match', required: false, description: 'The ETag of the version being edited; a stale one answers 412.', schema: { type: 'string', example: '"1"' } })
  @ApiSuccess({ type: OrganizationDto, etag: true, description: 'The organization as edited.' })
  @ApiProblems(403, notFound('Organization'), DUPLICATE_NAME, 412, 413, 415)
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
