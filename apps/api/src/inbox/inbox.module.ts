import { Module } from '@nestjs/common';
import { InboxPageController } from './inbox-page.controller';

@Module({ controllers: [InboxPageController] })
export class InboxModule {}
