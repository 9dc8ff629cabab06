/**
 * Claim materials in an S3-compatible bucket, through MinIO's client (`minio`: one package with
 * few dependencies, kept for Node 16 and later, speaking S3's API to any S3-compatible server):
 * one object per content under `prefix + sha256`. The dossier checks every download's SHA-256
 * itself (claim-materials.usecases.ts).
 */
import { Client } from 'minio';
import type { MaterialObjectStore } from '../../modules/claim-materials/claim-materials.store';
import type { ObjectStoreSettings } from './object-store-settings';

/** A request to the store: 30 s before it is given up (the upload waits on it; the database does not). */
const REQUEST_TIMEOUT_MS = 30_000;

function withTimeout<T>(what: string, p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`object store: ${what} took over ${REQUEST_TIMEOUT_MS / 1000} s`)),
      REQUEST_TIMEOUT_MS,
    );
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

const isMissing = (e: unknown) =>
  (e as { code?: string }).code === 'NoSuchKey' || (e as { code?: string }).code === 'NotFound';

export function createS3ObjectStore(settings: ObjectStoreSettings): MaterialObjectStore {
  const url = new URL(settings.endpoint);
  const client = new Client({
    endPoint: url.hostname,
    useSSL: url.protocol === 'https:',
    ...(url.port ? { port: Number(url.port) } : {}),
    region: settings.region,
    accessKey: settings.credentials.accessKeyId,
    secretKey: settings.credentials.secretAccessKey,
    pathStyle: settings.pathStyle,
  });
  const key = (sha256: string) => `${settings.prefix}${sha256}`;
  return {
    location: `s3://${settings.bucket}/${settings.prefix}`,
    async put(sha256, content) {
      const bytes = Buffer.from(content.buffer, content.byteOffset, content.byteLength);
      await withTimeout(
        'storing an object',
        client.putObject(settings.bucket, key(sha256), bytes, bytes.length, {
          'Content-Type': 'application/octet-stream',
        }),
      );
    },
    async get(sha256) {
      try {
        return await withTimeout(
          'reading an object',
          (async () => {
            const stream = await client.getObject(settings.bucket, key(sha256));
            const chunks: Buffer[] = [];
            for await (const chunk of stream) chunks.push(chunk as Buffer);
            return new Uint8Array(Buffer.concat(chunks));
          })(),
        );
      } catch (e) {
        if (isMissing(e)) return undefined;
        throw e;
      }
    },
  };
}
