import type { Provider } from '@nestjs/common';
import { SmsAdapter } from '@omnihub/channels';
import { ApiConfig } from '../../config/api-config';

/** The api's one SmsAdapter: it verifies and parses Twilio's webhooks (it never sends). */
export const smsAdapterProvider: Provider = {
  provide: SmsAdapter,
  inject: [ApiConfig],
  useFactory: (config: ApiConfig) => new SmsAdapter(config.twilio),
};
