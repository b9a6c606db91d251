import { Module } from '@nestjs/common';
import { RealtimeModule } from '../realtime/realtime.module';
import { CustomersController } from './customers.controller';

@Module({ imports: [RealtimeModule], controllers: [CustomersController] })
export class CustomersModule {}
