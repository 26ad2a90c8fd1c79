import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { CLUSTER_PREFIX } from './support/cluster.js';

/** Folders of runs killed before their cleanup (older than an hour, no postmaster alive) go first. */
async function removeLeftovers(): Promise<void> {
  const cutoff = Date.now() - 60 * 60 * 1000;
  for (const name of await readdir(tmpdir()).catch(() => [] as string[])) {
    if (!name.startsWith(CLUSTER_PREFIX) && !name.startsWith('gatehouse-hardening-')) continue;
    const dir = path.join(tmpdir(), name);
    const info = await stat(dir).catch(() => null);
    if (!info || info.mtimeMs > cutoff) continue;
    const credentials = await readFile(path.join(dir, 'credentials.json'), 'utf8').then(
      (text) => JSON.parse(text) as { clusterDir?: string },
      () => ({}) as { clusterDir?: string },
    );
    const clusterDir = credentials.clusterDir ?? path.join(dir, 'pg');
    const pid = Number(
      (await readFile(path.join(clusterDir, 'postmaster.pid'), 'utf8').catch(() => '')).split('\n')[0],
    );
    if (pid > 0) {
      try {
        process.kill(pid, 0);
        continue; // still running: not ours to remove
      } catch {
        // gone
      }
    }
    await rm(clusterDir, { recursive: true, force: true });
    await rm(dir, { recursive: true, force: true });
  }
}

export default async function setup(project: TestProject) {
  await removeLeftovers();
  // Every response body, server log line and secret the files see, for the secrets scan (last file).
  const recordDir = await mkdtemp(path.join(tmpdir(), 'gatehouse-hardening-record-'));
  project.provide('recordDir', recordDir);
  return async () => {
    await rm(recordDir, { recursive: true, force: true });
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    recordDir: string;
  }
}
