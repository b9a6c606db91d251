import { Body, Controller, HttpCode, Ip, Post, UnauthorizedException } from '@nestjs/common';
import { ApiResponse, ApiTags } from '@nestjs/swagger';
import { AgentsService } from '@omnihub/crm-core';
import { AccessTokenService } from './access-token.service';
import { Public } from './access.decorators';
import { LoginAttempts } from './login-attempts.service';
import { LoginDto } from './login.dto';

@ApiTags('auth')
@Controller('api/auth')
export class AuthController {
  constructor(
    private readonly agents: AgentsService,
    private readonly tokens: AccessTokenService,
    private readonly attempts: LoginAttempts,
  ) {}

  /** Unknown email, disabled agent and wrong password get the same 401, after the same work. */
  @Public()
  @Post('login')
  @HttpCode(200)
  @ApiResponse({ status: 401, description: 'bad credentials (the same answer whether the email exists or not)' })
  @ApiResponse({ status: 429, description: 'over 10 failed logins in 15 minutes for this email or address; see Retry-After' })
  async login(@Body() { email, password }: LoginDto, @Ip() address: string) {
    const attempt = await this.attempts.begin(email, address);
    const agent = await this.agents.authenticate(email, password);
    if (!agent) throw new UnauthorizedException('Invalid email or password');
    await attempt.succeeded();
    const { id, name, role } = agent;
    return { accessToken: await this.tokens.issue(agent), agent: { id, email: agent.email, name, role } };
  }
}
