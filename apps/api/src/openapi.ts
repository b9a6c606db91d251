import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';

/** The contract's REST side as OpenAPI: UI at /api/docs, document at /api/docs-json. */
export function mountOpenApi(app: INestApplication): void {
  const config = new DocumentBuilder()
    .setTitle('Omnihub')
    .setDescription(
      'Omnichannel customer interaction hub. Agents authenticate with a bearer token from POST /api/auth/login; ' +
        'call-centre partners with X-Api-Key. Realtime events are listed in docs/events.md.',
    )
    .setVersion('0.1.0')
    .addBearerAuth()
    .addApiKey({ type: 'apiKey', in: 'header', name: 'X-Api-Key' }, 'partnerApiKey')
    .build();
  const document = SwaggerModule.createDocument(app, config);
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs-json' });
}
