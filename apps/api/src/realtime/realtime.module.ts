import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { AgentEventsService } from './agent-events.service';
import { AgentsGateway } from './agents.gateway';

@Module({ imports: [AuthModule], providers: [AgentsGateway, AgentEventsService], exports: [AgentEventsService] })
export class RealtimeModule {}
