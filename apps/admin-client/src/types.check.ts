// Compile-time pins, checked by `tsc` (typecheck): what this app sees of the API through the
// package boundary must be real types, never `any` (which a missing dependency of a .d.ts causes).
import type { RouterInputs, RouterOutputs } from '@gatehouse/api';

type IsAny<T> = 0 extends 1 & T ? true : false;
type Assert<T extends true> = T;
type Not<T extends boolean> = T extends true ? false : true;

export type Pins = [
  Assert<Not<IsAny<RouterOutputs['auth']['me']>>>,
  Assert<Not<IsAny<RouterOutputs['users']['list']['items'][number]['email']>>>,
  Assert<RouterOutputs['users']['list']['items'][number]['email'] extends string ? true : false>,
  Assert<RouterOutputs['invites']['create']['acceptUrl'] extends string ? true : false>,
  Assert<Not<IsAny<RouterOutputs['invites']['list']['items'][number]['status']>>>,
  Assert<Not<IsAny<RouterInputs['auth']['login']>>>,
  Assert<'passwordHash' extends keyof RouterOutputs['auth']['me'] ? false : true>,
];
