import { Module } from '@nestjs/common';
import { RealtimeModule } from '../realtime/realtime.module';
import { TasksController } from './tasks.controller';

@Module({ imports: [RealtimeModule], controllers: [TasksController] })
export class RetentionModule {}
