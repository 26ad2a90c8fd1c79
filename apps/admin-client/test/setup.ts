import { cleanup, configure } from '@testing-library/react';
import { afterEach } from 'vitest';

// What Mantine expects of a browser and happy-dom may lack.
if (!window.matchMedia) {
  Object.defineProperty(window, 'matchMedia', {
    value: (query: string) => ({
      matches: false,
      media: query,
      onchange: null,
      addListener: () => {},
      removeListener: () => {},
      addEventListener: () => {},
      removeEventListener: () => {},
      dispatchEvent: () => false,
    }),
  });
}
if (!window.ResizeObserver) {
  window.ResizeObserver = class {
    observe() {}
    unobserve() {}
    disconnect() {}
  };
}

// findBy*/waitFor wait up to 10 s, not 1: pages are lazy chunks, and a loaded CI machine took longer
// than a second to load one (the test timeout, 60 s, still bounds every test).
configure({ asyncUtilTimeout: 10_000 });

afterEach(cleanup);
