import { Body, Controller, HttpCode, Post, UnauthorizedException } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { AgentsService } from '@omnihub/crm-core';
import { AccessTokenService } from './access-token.service';
import { Public } from './access.decorators';
import { LoginDto } from './login.dto';

@ApiTags('auth')
@Controller('api/auth')
export class AuthController {
  constructor(
    private readonly agents: AgentsService,
    private readonly tokens: AccessTokenService,
  ) {}

  @Public()
  @Post('login')
  @HttpCode(200)
  async login(@Body() { email, password }: LoginDto) {
    const agent = await this.agents.authenticate(email, password);
    if (!agent) throw new UnauthorizedException('Invalid email or password');
    const { id, name, role } = agent;
    return { accessToken: await this.tokens.issue(agent), agent: { id, email: agent.email, name, role } };
  }
}
