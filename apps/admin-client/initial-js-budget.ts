import { gzipSync } from 'node:zlib';
import type { Plugin } from 'vite';

/**
 * Prints the gzipped size of the JavaScript a first visit loads (the entry chunk and everything it
 * imports statically; lazily loaded routes excluded) and fails the build above the budget.
 */
export function initialJsBudget(limitBytes: number): Plugin {
  return {
    name: 'gatehouse:initial-js-budget',
    apply: 'build',
    generateBundle(_options, bundle) {
      const entry = Object.values(bundle).find((item) => item.type === 'chunk' && item.isEntry);
      if (entry?.type !== 'chunk') return;
      const initial = new Set<string>();
      const visit = (fileName: string) => {
        const item = bundle[fileName];
        if (initial.has(fileName) || !item || item.type !== 'chunk') return;
        initial.add(fileName);
        for (const next of item.imports) visit(next);
      };
      visit(entry.fileName);
      let total = 0;
      for (const fileName of initial) {
        const item = bundle[fileName];
        if (item?.type === 'chunk') total += gzipSync(item.code, { level: 9 }).length;
      }
      const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
      const line = `initial JavaScript: ${kb(total)} gzipped in ${initial.size} file(s) (budget ${kb(limitBytes)})`;
      if (total > limitBytes) this.error(`${line}: over budget`);
      console.log(`\n${line}`);
    },
  };
}
