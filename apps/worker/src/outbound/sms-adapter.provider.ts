import type { Provider } from '@nestjs/common';
import { SmsAdapter } from '@omnihub/channels';
import { WorkerConfig } from '../config/worker-config';

/** The worker's one SmsAdapter, sending with the Twilio credentials it was started with. */
export const smsAdapterProvider: Provider = {
  provide: SmsAdapter,
  inject: [WorkerConfig],
  useFactory: (config: WorkerConfig) => new SmsAdapter(config.twilio),
};
