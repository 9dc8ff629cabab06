/**
 * Where a webhook may be sent (SSRF): `https://` to a public address. Loopback (`127.0.0.0/8`,
 * `::1`, `localhost`), also over `http://`, only when BACKSTOP_WEBHOOKS_ALLOW_LOCAL=1 says so (tests
 * and demos); private, link-local (cloud metadata), carrier-grade NAT, multicast and reserved
 * addresses never. Checked when an endpoint is registered (its URL's host) and again at every
 * delivery, on the addresses its name resolves to (a name may point inside later).
 */
import { BlockList, isIP } from 'node:net';
import type { FieldError } from '../shared/problem';
import { urlNotAllowed } from './webhooks.errors';

// One list per family: a BlockList checks an IPv4 address against IPv4-mapped IPv6 rules too.
const loopback4 = new BlockList();
loopback4.addSubnet('127.0.0.0', 8, 'ipv4');
const loopback6 = new BlockList();
loopback6.addAddress('::1', 'ipv6');

const internal4 = new BlockList();
const internal6 = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  internal4.addSubnet(net, bits, 'ipv4');
for (const [net, bits] of [
  ['::', 128],
  ['::ffff:0:0', 96], // IPv4-mapped: whatever it maps to
  ['64:ff9b::', 96], // NAT64
  ['100::', 64],
  ['2001:db8::', 32],
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
] as const)
  internal6.addSubnet(net, bits, 'ipv6');

const isLoopback = (ip: string) => (isIP(ip) === 6 ? loopback6.check(ip, 'ipv6') : loopback4.check(ip, 'ipv4'));

/** Why a resolved address may not be sent to, or undefined when it may. */
export function addressRefusal(ip: string, allowLocal: boolean): string | undefined {
  const family = isIP(ip);
  if (family === 0) return `${ip} is not an IP address`;
  if (isLoopback(ip)) return allowLocal ? undefined : `${ip} is a loopback address`;
  if (family === 6 ? internal6.check(ip, 'ipv6') : internal4.check(ip, 'ipv4'))
    return `${ip} is a private or reserved address`;
  return undefined;
}

const bare = (hostname: string) => hostname.replace(/^\[|\]$/g, '').toLowerCase();
const isLocalName = (host: string) => host === 'localhost' || host.endsWith('.localhost');

export const MAX_URL_LENGTH = 2000;

/** The problem with an endpoint URL (a field error on `url`), or undefined when it may be registered. */
export function urlRefusal(text: string, allowLocal: boolean): FieldError | undefined {
  const refuse = urlNotAllowed;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { field: 'url', code: 'request.invalid_format', en: 'is not a URL', zh: '不是有效的网址' };
  }
  if (url.username || url.password)
    return refuse('must not carry a user name or password', '网址中不得包含用户名或密码');
  const host = bare(url.hostname);
  const local = isLocalName(host) || (isIP(host) !== 0 && isLoopback(host));
  if (local && !allowLocal)
    return refuse(
      'is a loopback address: webhooks go to a bank’s public https:// endpoint (BACKSTOP_WEBHOOKS_ALLOW_LOCAL=1 allows 127.0.0.1 and localhost for tests)',
      '为本机地址：回调须发往银行公网的 https:// 地址',
    );
  if (url.protocol !== 'https:' && !(local && url.protocol === 'http:'))
    return refuse('must be an https:// URL', '须为 https:// 网址');
  if (isIP(host) !== 0 && !local) {
    const why = addressRefusal(host, allowLocal);
    if (why) return refuse(`${why}: webhooks go to public addresses only`, '为内网或保留地址：回调只发往公网地址');
  }
  if (!local && !host.includes('.')) return refuse('must name a public host (a domain name)', '须为公网域名');
  return undefined;
}
