import { ForbiddenException, Injectable, UnauthorizedException, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { PartnersService, PUBLIC_ROUTE } from '@omnihub/crm-core';
import { AccessTokenService } from './access-token.service';
import { AUDIENCE, type Audience, type AuthenticatedRequest } from './access.decorators';

/**
 * Every route is for agents unless marked otherwise. No or bad credentials (an unknown, revoked
 * or expired one included): 401. Valid credentials of the wrong kind or role: 403 (a partner key
 * never opens an agent route, an agent token never a partner route).
 */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: AccessTokenService,
    private readonly partners: PartnersService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;
    const audience = this.reflector.getAllAndOverride<Audience>(AUDIENCE, targets) ?? 'agent';
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const apiKey = request.headers['x-api-key'];
    const bearer = /^Bearer (.+)$/i.exec(request.headers.authorization ?? '')?.[1];

    if (audience === 'partner') {
      if (typeof apiKey !== 'string' || !apiKey) {
        if (bearer && (await this.tokens.verify(bearer)))
          throw new ForbiddenException('This route is for call-centre partners: send X-Api-Key');
        throw new UnauthorizedException('Missing X-Api-Key header');
      }
      const partner = await this.partners.findByApiKey(apiKey);
      if (!partner) throw new UnauthorizedException('Invalid API key');
      request.partner = partner;
      return true;
    }

    if (!bearer) {
      // Only a key that is a partner's gets the 403; an unknown or revoked one is no credential.
      if (typeof apiKey === 'string' && apiKey && (await this.partners.findByApiKey(apiKey))) {
        throw new ForbiddenException('Partners may only use the call-log and partner task routes');
      }
      throw new UnauthorizedException('Missing bearer token: log in at POST /api/auth/login');
    }
    const agent = (await this.tokens.verify(bearer))?.agent;
    if (!agent) throw new UnauthorizedException('Invalid or expired access token');
    if (audience === 'admin' && agent.role !== 'admin') throw new ForbiddenException('This route is for admins only');
    request.agent = agent;
    return true;
  }
}
