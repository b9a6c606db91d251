import { Logger } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';

/**
 * Logs every route and socket.io namespace the api serves, once it is listening: an operator sees what is exposed, and
 * the authorization test (test/e2e/security/authorization-matrix) reads the list from there, so
 * a route added without a row in its table fails it. HEAD routes are Fastify's automatic twins
 * of GET routes and are left out.
 */
export function recordRoutes(app: NestFastifyApplication): (namespaces: string[]) => void {
  const routes = new Set<string>();
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRoute', ({ method, url }) => {
      for (const m of [method].flat()) if (m !== 'HEAD') routes.add(`${m} ${url}`);
    });
  return (namespaces) => new Logger('Routes').log({ routes: [...routes].sort(), namespaces }, 'routes mapped');
}
