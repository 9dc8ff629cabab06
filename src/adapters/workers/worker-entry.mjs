// Worker threads do not inherit the parent's tsx loader: register it here, then run the TypeScript worker.
import { register } from 'tsx/esm/api';
import { workerData } from 'node:worker_threads';

register();
await import(workerData.entry);
