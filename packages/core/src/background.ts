/**
 * Work a use-case starts after it has answered (so how long it takes tells the caller nothing), kept
 * track of so that shutdown and tests can wait for it. A failure goes to `onError`, never to the
 * caller, who has had their answer.
 */
export interface Background {
  run(label: string, work: () => Promise<unknown>): void;
  /** Resolves when everything started so far has finished. */
  idle(): Promise<void>;
}

export function createBackground(onError: (message: string, error: unknown) => void): Background {
  const pending = new Set<Promise<unknown>>();
  return {
    run(label, work) {
      const task = Promise.resolve()
        .then(work)
        .catch((error: unknown) => onError(`${label} failed`, error))
        .finally(() => pending.delete(task));
      pending.add(task);
    },
    async idle() {
      while (pending.size > 0) await Promise.allSettled([...pending]);
    },
  };
}
