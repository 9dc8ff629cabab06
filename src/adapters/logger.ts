/** Structured JSON logs (pino): one line per request, never a password, token or full credit code. */
import { pino, type DestinationStream, type Logger } from 'pino';

/**
 * What is never written. A database error carries the values of its statement (`params`,
 * `parameters`) and may quote one (`detail`: "Key (credit_code)=(…) already exists"), so those go
 * too, on the error and on its cause; the statement's text, code and constraint stay.
 */
const REDACT = [
  'password', '*.password', 'token', '*.token', 'authorization', '*.authorization', 'cookie', '*.cookie',
  'creditCode', '*.creditCode', 'headers.authorization', 'headers.cookie',
  ...['err', 'err.cause'].flatMap((e) => [`${e}.params`, `${e}.parameters`, `${e}.detail`]),
];

export function createLogger({ level = process.env.LOG_LEVEL ?? 'info', destination }: { level?: string; destination?: DestinationStream } = {}): Logger {
  const options = { level, base: { service: 'backstop' }, timestamp: pino.stdTimeFunctions.isoTime, redact: { paths: REDACT, censor: '[redacted]' } };
  return destination ? pino(options, destination) : pino(options);
}
