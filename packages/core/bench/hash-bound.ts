// Benchmark: what the bound on scrypt computations in flight buys. A burst of logins is hashed
// once with the configured bound (MAX_CONCURRENT_HASHES, default 4) and once with no bound (the
// baseline, as if every request hashed at once), in the same run. Prints wall time, peak RSS and
// the ratios. Run: pnpm --filter @gatehouse/core bench  (BENCH_LOGN, BENCH_BURST to change).
import { createPasswordHasher } from '../src/crypto/password-hasher.js';

const logN = Number(process.env.BENCH_LOGN ?? 15);
const burst = Number(process.env.BENCH_BURST ?? 32);

async function measure(label: string, maxConcurrent: number) {
  const hasher = createPasswordHasher({ logN, maxConcurrent, maxQueued: burst });
  global.gc?.();
  const baseRss = process.memoryUsage.rss();
  let peakRss = baseRss;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
  }, 5);
  const started = performance.now();
  await Promise.all(Array.from({ length: burst }, (_, i) => hasher.hash(`a passphrase number ${i}`)));
  const elapsedMs = performance.now() - started;
  clearInterval(sampler);
  const extraMiB = (peakRss - baseRss) / 2 ** 20;
  console.log(
    `${label.padEnd(28)} ${elapsedMs.toFixed(0).padStart(6)} ms  peak +${extraMiB.toFixed(0).padStart(5)} MiB RSS`,
  );
  return { elapsedMs, extraMiB };
}

console.log(
  `scrypt logN=${logN} r=8 p=1, burst of ${burst} hashes, ${process.env.UV_THREADPOOL_SIZE ?? 4} libuv threads`,
);
const unbounded = await measure('baseline (no bound)', burst);
const bounded = await measure('bounded (maxConcurrent 4)', 4);
console.log(
  `ratio bounded/baseline: time ${(bounded.elapsedMs / unbounded.elapsedMs).toFixed(2)}x, ` +
    `peak memory ${(bounded.extraMiB / Math.max(unbounded.extraMiB, 1)).toFixed(2)}x`,
);
