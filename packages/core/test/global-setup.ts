import { createGlobalSetup } from '../src/testing/index.js';

export default createGlobalSetup({ workers: 2 });
