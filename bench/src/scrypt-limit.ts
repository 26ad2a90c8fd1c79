import * as scryptModule from 'scrypt-kdf';

// scrypt-kdf's JS has only a default export (its .d.ts says otherwise): see core's hasher.
type ScryptModule = typeof scryptModule;
export const Scrypt = ((scryptModule as unknown as { default?: ScryptModule }).default ??
  scryptModule) as ScryptModule;

/**
 * How many scrypt verifications a second this machine does at `logN` with `concurrency` in flight:
 * the ceiling any login endpoint can reach. Measured in this process while the servers idle.
 */
export async function measureScryptLimit(
  logN: number,
  concurrency: number,
  seconds: number,
): Promise<number> {
  const key = await Scrypt.kdf('correct horse battery staple', { logN, r: 8, p: 1 });
  let done = 0;
  const deadline = performance.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline) {
        await Scrypt.verify(key, 'correct horse battery staple');
        done += 1;
      }
    }),
  );
  return done / ((performance.now() - started) / 1000);
}
