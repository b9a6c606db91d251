import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { AgentsService, type AgentView } from '@omnihub/crm-core';

interface AccessTokenClaims {
  sub: string;
}

/**
 * Agents' access tokens. A valid signature is not enough: the agent must still exist and be
 * active, so disabling an agent locks them out of REST and sockets at once.
 */
@Injectable()
export class AccessTokenService {
  constructor(
    private readonly jwt: JwtService,
    private readonly agents: AgentsService,
  ) {}

  issue(agent: AgentView): Promise<string> {
    return this.jwt.signAsync({ sub: agent.id, role: agent.role });
  }

  async verify(token: unknown): Promise<AgentView | null> {
    if (typeof token !== 'string' || token.length === 0) return null;
    let claims: AccessTokenClaims;
    try {
      claims = await this.jwt.verifyAsync<AccessTokenClaims & object>(token);
    } catch {
      return null;
    }
    return this.agents.findActive(claims.sub);
  }
}
