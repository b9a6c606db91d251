import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { AdminOnly } from '../auth/access.decorators';
import { PageQueryDto } from '../http/page-query.dto';
import { FailedJobsService } from './failed-jobs.service';

/** Failed work is never silent: admins see what could not be stored, and send it again. */
@ApiTags('admin')
@ApiBearerAuth()
@AdminOnly()
@Controller('api/admin/failed-jobs')
export class FailedJobsController {
  constructor(private readonly failedJobs: FailedJobsService) {}

  @Get()
  list(@Query() page: PageQueryDto) {
    return this.failedJobs.list(page.cursor, page.limit);
  }

  /** Back to the queue it failed in; `202`: queued, not yet done. */
  @Post(':id/retry')
  @HttpCode(202)
  async retry(@Param('id') id: string): Promise<void> {
    await this.failedJobs.retry(id);
  }
}
