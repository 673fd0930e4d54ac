import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ApiAuthenticatedProblems, ApiProblems, notFound } from '../common/openapi/api-problems.decorator';
import { ApiSuccess } from '../common/openapi/api-success.decorator';
import type { RequestContext } from '../common/request-context';
import { ShownOnce } from '../common/idempotency/idempotency.interceptor';
import { Idempotent } from '../common/idempotency/idempotent.decorator';
import { PageQueryDto } from '../common/page';
import { ANY_ROLE, Ctx, Roles } from './access.decorators';
import { CreatedTokenDto, CreateTokenDto } from './dto/create-token.dto';
import { PrincipalDto, TokenPageDto } from './dto/token.dto';
import { TokensService } from './tokens.service';

@ApiTags('access')
@ApiBearerAuth()
@ApiAuthenticatedProblems()
@Controller()
export class TokensController {
  constructor(private readonly tokens: TokensService) {}

  /** Issues a token. The secret is in this response only (a replay by Idempotency-Key answers without it). */
  @Post('tokens')
  @Idempotent()
  @ShownOnce('token')
  @Roles('admin')
  @ApiSuccess({ status: 201, type: CreatedTokenDto, description: 'The token, with its secret (only here).' })
  @ApiProblems(403, 413, 415, 422)
  create(@Ctx() context: RequestContext, @Body() body: CreateTokenDto): Promise<CreatedTokenDto> {
    return this.tokens.create(context, body);
  }

  /** Tokens, newest first, without secrets. */
  @Get('tokens')
  @Roles('admin')
  @ApiSuccess({ type: TokenPageDto, description: 'A page of tokens.' })
  @ApiProblems(403)
  list(@Query() query: PageQueryDto) {
    return this.tokens.list(query);
  }

  /** Revokes a token; it answers 401 from then on. */
  @Delete('tokens/:id')
  @Roles('admin')
  @HttpCode(204)
  @ApiSuccess({ status: 204, description: 'Revoked.' })
  @ApiProblems(403, notFound('Token'))
  async revoke(@Ctx() context: RequestContext, @Param('id', new ParseUUIDPipe()) id: string): Promise<void> {
    await this.tokens.revoke(context, id);
  }

  /** The caller's own token. */
  @Get('me')
  @Roles(...ANY_ROLE)
  @ApiSuccess({ type: PrincipalDto, description: 'Who the token speaks for.' })
  me(@Ctx() context: RequestContext) {
    return context.principal;
  }
}
