import { SetMetadata } from '@nestjs/common';

/** Routes anyone may call: health checks, login, signed webhooks (they check their own proof). */
export const PUBLIC_ROUTE = 'omnihub:public';
export const Public = () => SetMetadata(PUBLIC_ROUTE, true);
