import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { AgentsService, type AgentCredentials, type AgentView } from '@omnihub/crm-core';
import { ApiConfig } from '../config/api-config';

/** Who issues access tokens and for whom: a token signed for anything else is refused. */
export const TOKEN_ISSUER = 'omnihub';
export const TOKEN_AUDIENCE = 'omnihub-agents';

interface AccessTokenClaims {
  sub: string;
  /** The agent's token version when issued (see the credentials migration). */
  ver: number;
  exp: number;
}

export interface VerifiedAgent {
  agent: AgentView;
  /** When the token stops working: a socket opened with it is closed then. */
  expiresAt: Date;
}

/**
 * Agents' access tokens: HS256 only (never `alg: none`), with `iss`, `aud` and `exp` required.
 * A valid signature is not enough: the agent must still exist and be active, and the token must
 * carry the agent's current token version, so a password change or disabling an agent ends
 * every token issued before, on REST and sockets at once. The row is read on each request
 * anyway (by primary key), so the check costs nothing more.
 */
@Injectable()
export class AccessTokenService {
  constructor(
    private readonly jwt: JwtService,
    private readonly agents: AgentsService,
    private readonly config: ApiConfig,
  ) {}

  issue(agent: AgentCredentials): Promise<string> {
    return this.jwt.signAsync(
      { sub: agent.id, role: agent.role, ver: agent.tokenVersion },
      { algorithm: 'HS256', issuer: TOKEN_ISSUER, audience: TOKEN_AUDIENCE, expiresIn: this.config.accessTokenTtlSeconds },
    );
  }

  async verify(token: unknown): Promise<VerifiedAgent | null> {
    if (typeof token !== 'string' || token.length === 0) return null;
    let claims: AccessTokenClaims;
    try {
      claims = await this.jwt.verifyAsync<AccessTokenClaims>(token, {
        algorithms: ['HS256'],
        issuer: TOKEN_ISSUER,
        audience: TOKEN_AUDIENCE,
      });
    } catch {
      return null;
    }
    // jsonwebtoken checks `exp` only when present: a token without one would never expire.
    if (typeof claims.exp !== 'number' || typeof claims.sub !== 'string' || typeof claims.ver !== 'number') return null;
    const agent = await this.agents.findActive(claims.sub);
    if (!agent || agent.tokenVersion !== claims.ver) return null;
    const { tokenVersion: _version, ...view } = agent;
    return { agent: view, expiresAt: new Date(claims.exp * 1000) };
  }
}
