import { describe, expect, it } from 'vitest';
import { retryOnConflict } from './retry';

const failing = (codes: (string | null)[]) => {
  let calls = 0;
  const work = async () => {
    const code = codes[calls++];
    if (code === undefined || code === null) return calls;
    throw Object.assign(new Error('db'), { cause: { code } });
  };
  return { work, calls: () => calls };
};

describe('retryOnConflict', () => {
  it('runs the work again after a deadlock or a serialisation failure', async () => {
    const w = failing(['40P01', '40001', null]);
    expect(await retryOnConflict(w.work)).toBe(3);
  });
  it('gives up after the attempts and rethrows', async () => {
    const w = failing(['40P01', '40P01', '40P01']);
    await expect(retryOnConflict(w.work, 3)).rejects.toThrow('db');
    expect(w.calls()).toBe(3);
  });
  it('never retries other errors', async () => {
    const w = failing(['23505', null]);
    await expect(retryOnConflict(w.work)).rejects.toThrow('db');
    expect(w.calls()).toBe(1);
  });
});
