import { Module } from '@nestjs/common';
import { RealtimeModule } from '../realtime/realtime.module';
import { AccountsController } from '../accounts/accounts.controller';
import { CustomersController } from './customers.controller';

@Module({ imports: [RealtimeModule], controllers: [CustomersController, AccountsController] })
export class CustomersModule {}
