import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { AUDIT_ACTIONS } from '../audit-actions.js';
import { createdAtColumn, idColumn } from './columns.js';

export const AuditEventSchema = defineEntity({
  name: 'AuditEvent',
  tableName: 'audit_event',
  properties: {
    ...idColumn,
    action: p.enum([...AUDIT_ACTIONS]).index('audit_event_action_index'),
    // No foreign key: the trail outlives whatever it talks about.
    actorId: p.string().length(40).nullable().index('audit_event_actor_id_index'),
    targetType: p.string().length(32).nullable(),
    targetId: p.string().length(40).nullable(),
    ip: p.string().length(64).nullable(),
    metadata: p.json<Record<string, unknown>>().nullable(),
    ...createdAtColumn,
  },
});

export type AuditEvent = InferEntity<typeof AuditEventSchema>;
