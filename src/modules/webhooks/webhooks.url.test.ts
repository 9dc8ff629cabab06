import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { sendWebhook } from './webhooks.sender';
import { addressRefusal, urlRefusal } from './webhooks.url';

describe('where a webhook may go (SSRF)', () => {
  it('takes https:// to a public host', () => {
    expect(urlRefusal('https://api.bank.example/hooks', false)).toBeUndefined();
    expect(urlRefusal('https://203.0.114.7:8443/hooks', false)).toBeUndefined();
  });

  it('refuses loopback unless allowed, and private, link-local, reserved addresses always', () => {
    for (const url of ['http://127.0.0.1:9000/x', 'https://localhost/x', 'https://api.localhost/x', 'https://[::1]/x'])
      expect(urlRefusal(url, false), url).toMatchObject({ field: 'url', code: 'webhook.url_not_allowed' });
    for (const url of ['http://127.0.0.1:9000/x', 'http://localhost:8080/x', 'https://[::1]/x'])
      expect(urlRefusal(url, true), url).toBeUndefined();
    for (const url of [
      'http://api.bank.example/x',
      'ftp://api.bank.example/x',
      'https://10.1.2.3/x',
      'https://172.16.0.1/x',
      'https://192.168.0.1/x',
      'https://169.254.169.254/x',
      'https://100.64.0.1/x',
      'https://0.0.0.0/x',
      'https://[fe80::1]/x',
      'https://[fc00::1]/x',
      'https://[::ffff:127.0.0.1]/x',
      'https://intranet/x',
    ])
      expect(urlRefusal(url, true), url).toMatchObject({ field: 'url', code: 'webhook.url_not_allowed' });
    // 127.0.0.1 written as a number: the URL parser makes it 127.0.0.1, a loopback address.
    expect(urlRefusal('https://2130706433/x', false)).toMatchObject({ code: 'webhook.url_not_allowed' });
    expect(urlRefusal('not a url', true)).toMatchObject({ field: 'url' });
  });

  it('checks every resolved address', () => {
    expect(addressRefusal('8.8.8.8', false)).toBeUndefined();
    expect(addressRefusal('127.0.0.1', false)).toMatch(/loopback/);
    expect(addressRefusal('127.0.0.1', true)).toBeUndefined();
    expect(addressRefusal('10.0.0.1', true)).toMatch(/private/);
    expect(addressRefusal('::ffff:10.0.0.1', true)).toMatch(/private/);
  });
});

describe('one attempt', () => {
  it('answers the status, gives up after its timeout, and does not send where it may not', async () => {
    const server = createServer((req, res) => {
      if (req.url === '/hang') return; // never answers
      res.writeHead(req.url === '/ok' ? 204 : 503).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const post = (path: string, allowLocal = true, timeoutMs = 2_000) =>
      sendWebhook({
        url: `${base}${path}`,
        headers: { 'content-type': 'application/json' },
        body: '{}',
        timeoutMs,
        allowLocal,
      });
    try {
      expect(await post('/ok')).toEqual({ status: 204 });
      expect(await post('/busy')).toEqual({ status: 503 });
      expect((await post('/hang', true, 200)).error).toMatch(/no answer within 200 ms/);
      expect((await post('/ok', false)).error).toMatch(/^not sent: .*loopback/);
      server.closeAllConnections();
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});
