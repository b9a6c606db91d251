import { BadRequestException, Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { RetentionReportService } from '@omnihub/crm-core';
import { RetentionReportQueryDto } from './report-query.dto';

const DEFAULT_PERIOD_MS = 90 * 86_400_000;

@ApiTags('reports')
@ApiBearerAuth()
@Controller('api/reports')
export class ReportsController {
  constructor(private readonly reports: RetentionReportService) {}

  /** The retention rate (E − N) / S over the period, from the lifecycle history, and the CRM cycle's figures. */
  @Get('retention')
  retention(@Query() query: RetentionReportQueryDto) {
    const to = query.to ? new Date(query.to) : new Date();
    const from = query.from ? new Date(query.from) : new Date(to.getTime() - DEFAULT_PERIOD_MS);
    if (from >= to) {
      const message = `from must be before to (${from.toISOString()} is not before ${to.toISOString()})`;
      throw new BadRequestException({ statusCode: 400, message, errors: [{ path: 'from', message }] });
    }
    return this.reports.report(from, to);
  }
}
