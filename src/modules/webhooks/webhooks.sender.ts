/**
 * One HTTP POST of a signed event, with a deadline. node:http(s) rather than fetch so that every
 * address the endpoint's name resolves to is checked as it connects (webhooks.url.ts): a name that
 * points inside the zone's network is refused, whatever it pointed at when it was registered.
 * Redirects are not followed; the answer's body is read (at most 64 KB) and dropped.
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { addressRefusal, urlRefusal } from './webhooks.url';

export interface SendResult {
  /** The answer's status, when one came. */
  status?: number;
  /** Why there was no answer (or why it was not sent). */
  error?: string;
}

export type Sender = (req: {
  url: string;
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
  allowLocal: boolean;
}) => Promise<SendResult>;

const MAX_ANSWER_BYTES = 64 * 1024;

function guardedLookup(allowLocal: boolean): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
      if (err) return callback(err, '', 0);
      const refused = addresses.map((a) => addressRefusal(a.address, allowLocal)).find((r) => r !== undefined);
      if (refused) return callback(Object.assign(new Error(`refused: ${refused}`), { code: 'EWEBHOOKADDR' }), '', 0);
      if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      const first = addresses[0]!;
      callback(null, first.address, first.family);
    });
  };
}

export const sendWebhook: Sender = ({ url, headers, body, timeoutMs, allowLocal }) =>
  new Promise((resolve) => {
    const refused = urlRefusal(url, allowLocal);
    if (refused) return resolve({ error: `not sent: the URL ${refused.en}` });
    const target = new URL(url);
    const options: RequestOptions = {
      method: 'POST',
      headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
      lookup: guardedLookup(allowLocal),
      timeout: timeoutMs,
      signal: AbortSignal.timeout(timeoutMs),
    };
    let settled = false;
    const done = (r: SendResult) => {
      if (settled) return;
      settled = true;
      resolve(r);
    };
    const req = (target.protocol === 'https:' ? httpsRequest : httpRequest)(target, options, (res) => {
      let seen = 0;
      res.on('data', (chunk: Buffer) => {
        seen += chunk.length;
        if (seen > MAX_ANSWER_BYTES) res.destroy();
      });
      res.on('close', () => done({ status: res.statusCode }));
      res.on('error', () => done({ status: res.statusCode }));
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', (e: Error) =>
      done({ error: e.name === 'AbortError' ? `no answer within ${timeoutMs} ms` : e.message.slice(0, 300) }),
    );
    req.end(body);
  });
