/** Structured JSON logs (pino): one line per request, never a password, token or full credit code. */
import { pino, type Logger } from 'pino';

export function createLogger({ level = process.env.LOG_LEVEL ?? 'info' }: { level?: string } = {}): Logger {
  return pino({
    level,
    base: { service: 'backstop' },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: {
      paths: ['password', '*.password', 'token', '*.token', 'authorization', '*.authorization', 'cookie', '*.cookie', 'creditCode', '*.creditCode', 'headers.authorization', 'headers.cookie'],
      censor: '[redacted]',
    },
  });
}
