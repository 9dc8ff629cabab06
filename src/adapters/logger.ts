/**
 * Structured JSON logs (pino): one line per request, never a password, token or full credit code.
 * A line logged while a request is served carries its `requestId` (request-context.ts).
 */
import { pino, type DestinationStream, type Logger } from 'pino';
import { currentRequestId } from './request-context';

const REDACT = [
  'password',
  '*.password',
  'currentPassword',
  '*.currentPassword',
  'newPassword',
  '*.newPassword',
  'csrfToken',
  '*.csrfToken',
  'passwordHash',
  '*.passwordHash',
  'token',
  '*.token',
  'authorization',
  '*.authorization',
  'cookie',
  '*.cookie',
  'creditCode',
  '*.creditCode',
  'headers.authorization',
  'headers.cookie',
];

/** A database error's values: drizzle writes them into its message (`params: …`), PostgreSQL quotes them. */
const VALUE_KEYS = new Set(['params', 'parameters', 'detail', 'where', 'internalQuery']);
/** A unified social credit code (GB 32100-2015) anywhere in a text. */
const CREDIT_CODE = /[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}/g;

function scrubText(text: string): string {
  return text.replace(/\nparams: [^\n]*/g, '\nparams: [redacted]').replace(CREDIT_CODE, '[credit code]');
}

/** The error as pino writes it (its causes too), without the values it carried. */
function scrubbed(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return scrubText(value);
  if (value === null || typeof value !== 'object' || depth > 8) return value;
  if (Array.isArray(value)) return value.map((v) => scrubbed(v, depth + 1));
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [k, VALUE_KEYS.has(k) ? '[redacted]' : scrubbed(v, depth + 1)]),
  );
}

export function createLogger({
  level = process.env.LOG_LEVEL ?? 'info',
  destination,
}: { level?: string; destination?: DestinationStream } = {}): Logger {
  const options = {
    level,
    base: { service: 'backstop' },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: REDACT, censor: '[redacted]' },
    serializers: { err: (e: Error) => scrubbed(pino.stdSerializers.errWithCause(e)) },
    mixin: () => {
      const requestId = currentRequestId();
      return requestId ? { requestId } : {};
    },
  };
  return destination ? pino(options, destination) : pino(options);
}
