import { Module } from '@nestjs/common';
import { RealtimeModule } from '../realtime/realtime.module';
import { AgentsController } from './agents.controller';

@Module({ imports: [RealtimeModule], controllers: [AgentsController] })
export class AgentsModule {}
