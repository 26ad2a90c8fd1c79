import type { EntityManager } from '@mikro-orm/postgresql';
import type { AuditAction } from '../audit-actions.js';
import { type AuditEventDto, type Page, toAuditEventDto } from '../dto.js';
import { AuditEventSchema } from '../entities/index.js';
import { ID_PREFIXES, newId } from '../ids.js';
import { decodeCursor, toPage } from '../pagination.js';
import { type ListAuditInput, listAuditInput } from '../schemas.js';
import type { RequestMeta, ServiceDeps } from './deps.js';

export interface AuditEntry {
  action: AuditAction;
  targetType?: 'user' | 'invite' | 'session' | null;
  targetId?: string | null;
  metadata?: Record<string, unknown> | null;
}

/** An audit event's row, as every writer stores it (the ORM and the plain-SQL writes in db/). */
export interface AuditEventRow {
  id: string;
  action: AuditAction;
  actorId: string | null;
  targetType: NonNullable<AuditEntry['targetType']> | null;
  targetId: string | null;
  ip: string | null;
  metadata: Record<string, unknown> | null;
  createdAt: Date;
}

/** The audit trail: appended inside the transaction of the change it describes, read by admins. */
export class AuditLog {
  constructor(private readonly deps: Pick<ServiceDeps, 'db' | 'clock'>) {}

  /** Adds the event to `em`'s unit of work, so it commits (or rolls back) with the change. */
  record(em: EntityManager, meta: RequestMeta, entry: AuditEntry): void {
    em.create(AuditEventSchema, this.eventRow(meta, entry));
  }

  /** The row an entry becomes, stamped `at` (now unless the change has its own instant). */
  eventRow(meta: RequestMeta, entry: AuditEntry, at: Date = this.deps.clock.now()): AuditEventRow {
    return {
      id: newId('auditEvent'),
      action: entry.action,
      actorId: meta.actorId ?? null,
      targetType: entry.targetType ?? null,
      targetId: entry.targetId ?? null,
      ip: meta.ip?.slice(0, 64) ?? null,
      metadata: entry.metadata ?? null,
      createdAt: at,
    };
  }

  async list(input?: ListAuditInput): Promise<Page<AuditEventDto>> {
    const { action, actorId, limit, cursor } = listAuditInput.parse(input);
    const before = decodeCursor(cursor, ID_PREFIXES.auditEvent);
    const em = this.deps.db.read();
    const rows = await em.find(
      AuditEventSchema,
      {
        ...(action ? { action } : {}),
        ...(actorId ? { actorId } : {}),
        ...(before ? { id: { $lt: before } } : {}),
      },
      { orderBy: { id: 'desc' }, limit: limit + 1 },
    );
    const page = toPage(rows, limit);
    return { items: page.rows.map(toAuditEventDto), nextCursor: page.nextCursor };
  }
}
