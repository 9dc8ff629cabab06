/** BACKSTOP_OBJECT_STORE_*: off without a bucket; every wrong or missing value stops the start naming its variable. */
import { describe, expect, it } from 'vitest';
import { objectStoreSettings } from './object-store-settings';

const full = {
  BACKSTOP_OBJECT_STORE_BUCKET: 'backstop-materials',
  BACKSTOP_OBJECT_STORE_ENDPOINT: 'https://minio.example.cn:9000',
  BACKSTOP_OBJECT_STORE_ACCESS_KEY_ID: 'AKID',
  BACKSTOP_OBJECT_STORE_SECRET_ACCESS_KEY: 'secret',
};

describe('objectStoreSettings', () => {
  it('is undefined without a bucket: the files stay in the database', () => {
    expect(objectStoreSettings({})).toBeUndefined();
    expect(objectStoreSettings({ BACKSTOP_OBJECT_STORE_BUCKET: '  ' })).toBeUndefined();
  });

  it('reads a full configuration, with its defaults', () => {
    expect(objectStoreSettings(full)).toEqual({
      bucket: 'backstop-materials',
      endpoint: 'https://minio.example.cn:9000',
      region: 'us-east-1',
      credentials: { accessKeyId: 'AKID', secretAccessKey: 'secret' },
      prefix: 'claim-materials/',
      pathStyle: true,
    });
    expect(
      objectStoreSettings({
        ...full,
        BACKSTOP_OBJECT_STORE_REGION: 'cn-north-1',
        BACKSTOP_OBJECT_STORE_PREFIX: 'etown/',
        BACKSTOP_OBJECT_STORE_PATH_STYLE: '0',
      }),
    ).toMatchObject({ region: 'cn-north-1', prefix: 'etown/', pathStyle: false });
  });

  const refusals: [string, Record<string, string>, RegExp][] = [
    [
      'a setting without the bucket',
      { BACKSTOP_OBJECT_STORE_ENDPOINT: 'http://x:9000' },
      /^BACKSTOP_OBJECT_STORE_ENDPOINT is set without BACKSTOP_OBJECT_STORE_BUCKET/,
    ],
    [
      'a bad bucket name',
      { ...full, BACKSTOP_OBJECT_STORE_BUCKET: 'Bad_Bucket' },
      /^BACKSTOP_OBJECT_STORE_BUCKET: "Bad_Bucket" is not a bucket name/,
    ],
    ['no endpoint', { ...full, BACKSTOP_OBJECT_STORE_ENDPOINT: '' }, /without BACKSTOP_OBJECT_STORE_ENDPOINT/],
    [
      'an endpoint that is not http(s)',
      { ...full, BACKSTOP_OBJECT_STORE_ENDPOINT: 'ftp://x' },
      /^BACKSTOP_OBJECT_STORE_ENDPOINT: must be an http\(s\) address/,
    ],
    [
      'an endpoint with a path',
      { ...full, BACKSTOP_OBJECT_STORE_ENDPOINT: 'http://x:9000/bucket' },
      /^BACKSTOP_OBJECT_STORE_ENDPOINT:/,
    ],
    [
      'no access key',
      { ...full, BACKSTOP_OBJECT_STORE_ACCESS_KEY_ID: '' },
      /without BACKSTOP_OBJECT_STORE_ACCESS_KEY_ID/,
    ],
    [
      'no secret key',
      { ...full, BACKSTOP_OBJECT_STORE_SECRET_ACCESS_KEY: '' },
      /without BACKSTOP_OBJECT_STORE_SECRET_ACCESS_KEY/,
    ],
    ['a bad region', { ...full, BACKSTOP_OBJECT_STORE_REGION: 'CN North' }, /^BACKSTOP_OBJECT_STORE_REGION:/],
    ['a prefix from the root', { ...full, BACKSTOP_OBJECT_STORE_PREFIX: '/abs' }, /^BACKSTOP_OBJECT_STORE_PREFIX:/],
    [
      'a path style that is not 1 or 0',
      { ...full, BACKSTOP_OBJECT_STORE_PATH_STYLE: 'yes' },
      /^BACKSTOP_OBJECT_STORE_PATH_STYLE: must be 1 or 0/,
    ],
  ];
  for (const [what, env, message] of refusals)
    it(`refuses ${what}, naming the variable`, () => {
      expect(() => objectStoreSettings(env)).toThrow(message);
    });
});
