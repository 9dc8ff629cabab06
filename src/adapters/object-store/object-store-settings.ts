/**
 * The object store for claim materials (docs/OPERATIONS.md, "Claim materials in an object store"):
 * BACKSTOP_OBJECT_STORE_BUCKET turns it on; BACKSTOP_OBJECT_STORE_ENDPOINT names the S3-compatible
 * server (MinIO, Ceph, a cloud's S3 API), BACKSTOP_OBJECT_STORE_ACCESS_KEY_ID and
 * BACKSTOP_OBJECT_STORE_SECRET_ACCESS_KEY its credentials (all three required with a bucket),
 * BACKSTOP_OBJECT_STORE_REGION its region (us-east-1), BACKSTOP_OBJECT_STORE_PREFIX the keys' prefix
 * (`claim-materials/`), and BACKSTOP_OBJECT_STORE_PATH_STYLE `1` (the default: `endpoint/bucket/key`,
 * as MinIO serves) or `0` (`bucket.endpoint/key`, as some clouds ask). Without a bucket the files stay
 * in the database; any of the others set without it, one missing or a value that is not one, stops
 * the start naming the variable.
 */
import { UsageError } from '../cli/cli-errors';

export interface ObjectStoreSettings {
  bucket: string;
  endpoint: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  prefix: string;
  pathStyle: boolean;
}

const V = 'BACKSTOP_OBJECT_STORE_';
const NAMES = ['ENDPOINT', 'REGION', 'ACCESS_KEY_ID', 'SECRET_ACCESS_KEY', 'PREFIX', 'PATH_STYLE'] as const;

/** The settings from the environment, or undefined when no bucket is set (the files stay in the database). */
export function objectStoreSettings(
  env: Record<string, string | undefined> = process.env,
): ObjectStoreSettings | undefined {
  const get = (name: string) => env[V + name]?.trim() || undefined;
  const bucket = get('BUCKET');
  if (!bucket) {
    const stray = NAMES.find((n) => get(n) !== undefined);
    if (stray) throw new UsageError(`${V}${stray} is set without ${V}BUCKET: set the bucket, or unset it`);
    return undefined;
  }
  // S3's bucket names: 3–63 of a-z 0-9 . -, starting and ending with a letter or digit.
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket))
    throw new UsageError(`${V}BUCKET: "${bucket}" is not a bucket name (3–63 of a-z, 0-9, dots and hyphens)`);
  const endpoint = get('ENDPOINT');
  if (endpoint === undefined)
    throw new UsageError(
      `${V}BUCKET is set without ${V}ENDPOINT: name the S3 server, e.g. https://minio.example.cn:9000`,
    );
  {
    let url: URL | undefined;
    try {
      url = new URL(endpoint);
    } catch {
      url = undefined;
    }
    if (
      !url ||
      (url.protocol !== 'http:' && url.protocol !== 'https:') ||
      (url.pathname !== '/' && url.pathname !== '')
    )
      throw new UsageError(
        `${V}ENDPOINT: must be an http(s) address such as https://minio.example.cn:9000 (no path), not "${endpoint}"`,
      );
  }
  const region = get('REGION') ?? 'us-east-1';
  if (!/^[a-z0-9-]+$/.test(region))
    throw new UsageError(`${V}REGION: "${region}" is not a region name (e.g. cn-north-1)`);
  const accessKeyId = get('ACCESS_KEY_ID');
  const secretAccessKey = get('SECRET_ACCESS_KEY');
  if (!accessKeyId)
    throw new UsageError(`${V}BUCKET is set without ${V}ACCESS_KEY_ID: the store's access key is required`);
  if (!secretAccessKey)
    throw new UsageError(`${V}BUCKET is set without ${V}SECRET_ACCESS_KEY: the store's secret key is required`);
  const prefix = get('PREFIX') ?? 'claim-materials/';
  if (prefix.startsWith('/') || /[\\\p{Cc}]/u.test(prefix) || prefix.length > 200)
    throw new UsageError(`${V}PREFIX: "${prefix}" is not a key prefix (no leading /, no control characters)`);
  const pathStyle = get('PATH_STYLE');
  if (pathStyle !== undefined && pathStyle !== '0' && pathStyle !== '1')
    throw new UsageError(`${V}PATH_STYLE: must be 1 or 0, not "${pathStyle}"`);
  return {
    bucket,
    endpoint,
    region,
    credentials: { accessKeyId, secretAccessKey },
    prefix,
    pathStyle: pathStyle !== '0',
  };
}
