import { randomFill } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { getPriority, platform, setPriority } from 'node:os';

/**
 * Runs every thread of this process but the main one (libuv's pool, where scrypt hashes, and V8's
 * helpers) at a lower CPU priority, so that a flood of sign-ins cannot starve the event loop:
 * with all cores busy hashing, the thread that answers requests still gets the CPU whenever it
 * needs it, and hashing takes whatever is left (its throughput is unchanged on an idle machine).
 * On this 2-core machine, with 4 hashes in flight, event-loop delay p99 fell from 11–17 ms to
 * 2–3 ms (see BENCHMARKS.md for the server's figures).
 *
 * The price: niceness also ranks these threads below every other process of the host, so on a
 * shared, busy machine sign-ins slow down before anything else does. `niceness` is
 * HASH_THREAD_NICENESS (default 10); 0 leaves the threads alone.
 *
 * Linux only (there each thread has its own niceness); elsewhere it does nothing. Raising a
 * niceness needs no privilege. Returns how many threads were lowered.
 */
export async function lowerHelperThreadPriority(niceness: number): Promise<number> {
  if (platform() !== 'linux' || niceness <= 0) return 0;
  // libuv starts its whole pool on first use: use it once so that every pool thread exists now.
  await new Promise((resolve) => randomFill(Buffer.alloc(1), resolve));
  let lowered = 0;
  for (const entry of readdirSync('/proc/self/task')) {
    const tid = Number(entry);
    if (tid === process.pid) continue; // the main thread's id is the process id
    try {
      setPriority(tid, Math.min(19, getPriority(process.pid) + niceness));
      lowered += 1;
    } catch {
      // The thread ended meanwhile.
    }
  }
  return lowered;
}
