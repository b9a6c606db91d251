import { createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';
import type { AgentView, PartnerView } from '@omnihub/crm-core';
import type { FastifyRequest } from 'fastify';

export { Public } from '@omnihub/crm-core';

/** Who may call a route besides the public ones: any agent (default), admins, or partners. */
export type Audience = 'agent' | 'admin' | 'partner';
export const AUDIENCE = 'omnihub:audience';

export const AdminOnly = () => SetMetadata(AUDIENCE, 'admin' satisfies Audience);
export const PartnerOnly = () => SetMetadata(AUDIENCE, 'partner' satisfies Audience);

/** What the access guard attached to the request. */
export interface AuthenticatedRequest extends FastifyRequest {
  agent?: AgentView;
  partner?: PartnerView;
}

export const CurrentAgent = createParamDecorator((_: unknown, context: ExecutionContext): AgentView => {
  const agent = context.switchToHttp().getRequest<AuthenticatedRequest>().agent;
  if (!agent) throw new Error('CurrentAgent used on a route that is not for agents');
  return agent;
});

export const CurrentPartner = createParamDecorator((_: unknown, context: ExecutionContext): PartnerView => {
  const partner = context.switchToHttp().getRequest<AuthenticatedRequest>().partner;
  if (!partner) throw new Error('CurrentPartner used on a route that is not for partners');
  return partner;
});
