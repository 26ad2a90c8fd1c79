// Public, browser-safe surface of @gatehouse/api: router types and the typed client factory.
// (Server code lives in '@gatehouse/api/server'.)
import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from './router.js';

export type { AppRouter } from './router.js';
export type RouterInputs = inferRouterInputs<AppRouter>;
export type RouterOutputs = inferRouterOutputs<AppRouter>;
export { createGatehouseClient, type GatehouseClient, type GatehouseClientOptions } from './client.js';
export { MAX_BATCH_SIZE } from './limits.js';
export type { ErrorCode, TransportErrorCode } from './trpc/errors.js';
