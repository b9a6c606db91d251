import type { Params } from 'nestjs-pino';

/** Headers that carry credentials; pino writes `[Redacted]` in their place. */
const SECRET_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'req.headers["x-twilio-signature"]',
  'res.headers["set-cookie"]',
];

/** Structured request logs for both processes; health probes are not worth a line each. */
export function loggerParams(level: string): Params {
  return {
    pinoHttp: {
      level,
      redact: { paths: SECRET_PATHS, censor: '[Redacted]' },
      autoLogging: { ignore: (req) => (req.url ?? '').startsWith('/health') },
      quietReqLogger: true,
    },
  };
}
