import { p } from '@mikro-orm/core';

// Columns every table shares, written once. Values are set by the services from the injected clock
// (not by database defaults), so tests can move time.

/** Prefixed, time-sortable id (see ids.ts): `usr_…`, `inv_…`. */
export const idColumn = { id: p.string().primary().length(40) };

export const createdAtColumn = { createdAt: p.datetime() };

export const timestampColumns = { ...createdAtColumn, updatedAt: p.datetime() };
