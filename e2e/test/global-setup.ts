import { createGlobalSetup } from '@gatehouse/core/testing';

export default createGlobalSetup({ workers: 1 });
