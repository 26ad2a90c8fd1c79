// The baseline: a minimal hand-written Fastify + pg server answering the same requests with the
// same SQL as Gatehouse (session ⋈ user, then the read), with no framework beyond Fastify. It is
// the practical limit of this stack on this machine.
import { createHash, randomBytes } from 'node:crypto';
import Fastify from 'fastify';
import pg from 'pg';
import { typeid } from 'typeid-js';
import { Scrypt } from './scrypt-limit.js';

// Timestamps as text, as MikroORM configures the driver in Gatehouse.
const types = new pg.TypeOverrides();
for (const oid of [1082, 1114, 1184]) types.setTypeParser(oid, (text: string) => text);
const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 20, types });

const USER_COLUMNS = `u.id, u.email, u.first_name, u.last_name, u.role, u.password_hash is not null as has_password,
  u.api_token_prefix, u.metadata, u.created_at, u.updated_at, u.last_login_at`;

interface Row {
  [key: string]: unknown;
  created_at: string;
  updated_at: string;
  last_login_at: string | null;
}
const dto = (row: Row) => ({
  id: row.id,
  email: row.email,
  firstName: row.first_name,
  lastName: row.last_name,
  role: row.role,
  hasPassword: row.has_password,
  apiTokenPrefix: row.api_token_prefix,
  metadata: row.metadata,
  createdAt: new Date(row.created_at).toISOString(),
  updatedAt: new Date(row.updated_at).toISOString(),
  lastLoginAt: row.last_login_at ? new Date(row.last_login_at).toISOString() : null,
});

async function principal(cookie: string | undefined): Promise<Row | null> {
  const token = cookie?.match(/gatehouse_session=([^;]+)/)?.[1];
  if (!token) return null;
  const hash = createHash('sha256').update(token).digest('hex');
  const { rows } = await pool.query<Row>(
    `select ${USER_COLUMNS}, s.id as session_id, s.last_seen_at as session_last_seen_at
       from "session" s join "user" u on u.id = s.user_id and u.deleted_at is null
      where s.token_hash = $1 and s.expires_at > $2`,
    [hash, new Date()],
  );
  return rows[0] ?? null;
}

const INVITE_COLUMNS = `i.id, i.user_email, i.role, i.accepted, i.expires_at, i.accepted_at, i.invited_by,
  i.revoked_at, i.created_at, i.updated_at`;
const iso = (value: unknown) => (value ? new Date(value as string).toISOString() : null);
const inviteDto = (row: Row, now: Date) => ({
  id: row.id,
  email: row.user_email,
  role: row.role,
  status: row.accepted
    ? 'accepted'
    : row.revoked_at
      ? 'revoked'
      : new Date(row.expires_at as string) <= now
        ? 'expired'
        : 'pending',
  accepted: row.accepted,
  expiresAt: iso(row.expires_at),
  acceptedAt: iso(row.accepted_at),
  invitedBy: row.invited_by ?? null,
  createdAt: iso(row.created_at),
  updatedAt: iso(row.updated_at),
});

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const DAY_MS = 24 * 60 * 60 * 1000;
const LOGN = Number(process.env.PASSWORD_HASH_LOGN ?? 15);

/** Gatehouse's opaque cursor: base64url of `c1:<last id>`. */
const cursorId = (cursor: unknown) => {
  const decoded = typeof cursor === 'string' ? Buffer.from(cursor, 'base64url').toString('utf8') : '';
  return decoded.startsWith('c1:') ? decoded.slice(3) : undefined;
};

/** One transaction on one pooled connection. */
async function transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('begin');
    const result = await work(client);
    await client.query('commit');
    return result;
  } catch (error) {
    await client.query('rollback');
    throw error;
  } finally {
    client.release();
  }
}

class Refused extends Error {
  constructor(readonly status: number) {
    super(`refused with ${status}`);
  }
}

const input = (query: unknown) =>
  JSON.parse((query as { input?: string }).input ?? '{}') as Record<string, unknown>;
const unauthorized = { error: { message: 'Sign in first', code: -32001 } };

const app = Fastify({ logger: false });
app.get('/healthz', async () => ({ status: 'ok' }));
app.get('/trpc/auth.me', async (req, reply) => {
  const me = await principal(req.headers.cookie);
  return me ? { result: { data: dto(me) } } : reply.code(401).send(unauthorized);
});
app.get('/trpc/users.get', async (req, reply) => {
  if (!(await principal(req.headers.cookie))) return reply.code(401).send(unauthorized);
  const { rows } = await pool.query<Row>(
    `select ${USER_COLUMNS} from "user" u where u.id = $1 and u.deleted_at is null`,
    [input(req.query).id],
  );
  return rows[0] ? { result: { data: dto(rows[0]) } } : reply.code(404).send({ error: { code: -32004 } });
});
app.get('/trpc/users.list', async (req, reply) => {
  if (!(await principal(req.headers.cookie))) return reply.code(401).send(unauthorized);
  const { q, limit = 50, cursor } = input(req.query) as { q?: string; limit?: number; cursor?: string };
  const pattern = q ? `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : null;
  const before = cursorId(cursor);
  const filter = pattern
    ? `u.deleted_at is null and (u.email || chr(31) || coalesce(u.first_name, '') || chr(31) || coalesce(u.last_name, '')) ilike $1`
    : 'u.deleted_at is null';
  const values: unknown[] = pattern ? [pattern] : [];
  const paged = before ? `${filter} and u.id < $${values.push(before)}` : filter;
  const [page, count] = await Promise.all([
    pool.query<Row>(
      `select ${USER_COLUMNS} from "user" u where ${paged} order by u.id desc limit $${values.length + 1}`,
      [...values, limit + 1],
    ),
    pattern
      ? pool.query<{ n: number }>(
          `select count(*)::int as n from (select 1 from "user" u where ${filter} limit 10001) m`,
          [pattern],
        )
      : pool.query<{ n: number }>('select coalesce(sum(active), 0)::int as n from "user_count"'),
  ]);
  const items = page.rows.slice(0, limit).map(dto);
  const total = count.rows[0]?.n ?? 0;
  return {
    result: {
      data: {
        items,
        nextCursor: page.rows.length > limit ? 'next' : null,
        total,
        totalCapped: total > 10000,
      },
    },
  };
});

app.get('/trpc/invites.list', async (req, reply) => {
  if (!(await principal(req.headers.cookie))) return reply.code(401).send(unauthorized);
  const { limit = 50, cursor } = input(req.query) as { limit?: number; cursor?: string };
  const before = cursorId(cursor);
  const now = new Date();
  const [page, count] = await Promise.all([
    pool.query<Row>(
      `select ${INVITE_COLUMNS} from "invite" i ${before ? 'where i.id < $2' : ''} order by i.id desc limit $1`,
      before ? [limit + 1, before] : [limit + 1],
    ),
    pool.query<{ n: string }>(`select n::text from "invite_count" where kind = 'all'`),
  ]);
  return {
    result: {
      data: {
        items: page.rows.slice(0, limit).map((row) => inviteDto(row, now)),
        nextCursor: page.rows.length > limit ? 'next' : null,
        total: Number(count.rows[0]?.n ?? 0),
        totalCapped: false,
      },
    },
  };
});

const auditEvent = (
  action: string,
  actorId: unknown,
  targetType: string,
  targetId: unknown,
  metadata: object,
) => [typeid('aud').toString(), action, actorId, targetType, targetId, '127.0.0.1', JSON.stringify(metadata)];

// Writes: the statements Gatehouse's use-cases run (the email's advisory lock, the checks, the
// rows and their audit events), each in one transaction, with no ORM.
app.post('/trpc/invites.create', async (req, reply) => {
  const me = await principal(req.headers.cookie);
  if (!me) return reply.code(401).send(unauthorized);
  if (me.role !== 'admin') return reply.code(403).send({ error: { code: -32003 } });
  const body = req.body as { email: string; role?: string };
  const email = body.email.trim().toLowerCase();
  const role = body.role ?? 'member';
  const token = `ghi_${randomBytes(32).toString('base64url')}`;
  const now = new Date();
  const expiresAt = new Date(now.getTime() + 7 * DAY_MS);
  try {
    const invite = await transaction(async (client) => {
      await client.query('select pg_advisory_xact_lock(hashtext($1))', [`gatehouse:email:${email}`]);
      const taken = await client.query(
        'select count(*)::int as n from "user" where email = $1 and deleted_at is null',
        [email],
      );
      if (taken.rows[0].n > 0) throw new Refused(409);
      const open = await client.query<Row>(
        'select id from "invite" where user_email = $1 and not accepted and revoked_at is null for update',
        [email],
      );
      const openId = open.rows[0]?.id;
      const { rows } = openId
        ? await client.query<Row>(
            `update "invite" i set token = $2, expires_at = $3, updated_at = $4, role = $5, invited_by = $6
              where i.id = $1 returning ${INVITE_COLUMNS}`,
            [openId, sha256(token), expiresAt, now, role, me.id],
          )
        : await client.query<Row>(
            `insert into "invite" as i (id, user_email, role, token, expires_at, invited_by, accepted, created_at, updated_at)
             values ($1, $2, $3, $4, $5, $6, false, $7, $7) returning ${INVITE_COLUMNS}`,
            [typeid('inv').toString(), email, role, sha256(token), expiresAt, me.id, now],
          );
      const row = rows[0] as Row;
      await client.query(
        `insert into "audit_event" (id, action, actor_id, target_type, target_id, ip, metadata, created_at)
         values ($1, $2, $3, $4, $5, $6, $7::jsonb, $8)`,
        [
          ...auditEvent('invite.created', me.id, 'invite', row.id, { email, role, reused: Boolean(openId) }),
          now,
        ],
      );
      return row;
    });
    return {
      result: {
        data: {
          invite: inviteDto(invite, now),
          token,
          acceptUrl: `http://bench.test/accept-invite?token=${token}`,
          emailSent: false,
        },
      },
    };
  } catch (error) {
    if (error instanceof Refused) return reply.code(error.status).send({ error: { code: -32009 } });
    throw error;
  }
});

app.post('/trpc/invites.accept', async (req, reply) => {
  const { token, password, firstName, lastName } = req.body as Record<string, string | undefined>;
  if (!token || !password || password.length < 12) return reply.code(400).send({ error: { code: -32600 } });
  const { rows: found } = await pool.query<Row>(
    `select ${INVITE_COLUMNS}, i.token from "invite" i where i.token = $1`,
    [sha256(token)],
  );
  const invite = found[0];
  const now = new Date();
  if (!invite || inviteDto(invite, now).status !== 'pending') return reply.code(400).send({ error: {} });
  const passwordHash = Buffer.from(await Scrypt.kdf(password, { logN: LOGN, r: 8, p: 1 })).toString('base64');
  const sessionToken = `ghs_${randomBytes(32).toString('base64url')}`;
  try {
    const user = await transaction(async (client) => {
      await client.query('select pg_advisory_xact_lock(hashtext($1))', [
        `gatehouse:email:${invite.user_email}`,
      ]);
      const claimed = await client.query(
        `update "invite" set accepted = true, accepted_at = $3, updated_at = $3
          where id = $1 and token = $2 and not accepted and revoked_at is null and expires_at > $3`,
        [invite.id, invite.token, now],
      );
      if (claimed.rowCount === 0) throw new Refused(400);
      const { rows } = await client.query<Row>(
        `insert into "user" as u (id, email, first_name, last_name, role, password_hash, created_at, updated_at, last_login_at)
         values ($1, $2, $3, $4, $5, $6, $7, $7, $7) returning ${USER_COLUMNS}`,
        [
          typeid('usr').toString(),
          invite.user_email,
          firstName ?? null,
          lastName ?? null,
          invite.role,
          passwordHash,
          now,
        ],
      );
      const user = rows[0] as Row;
      await client.query(
        `insert into "session" (id, user_id, token_hash, expires_at, created_at, last_seen_at, ip, user_agent)
         values ($1, $2, $3, $4, $5, $5, '127.0.0.1', $6)`,
        [
          typeid('ses').toString(),
          user.id,
          sha256(sessionToken),
          new Date(now.getTime() + 7 * DAY_MS),
          now,
          null,
        ],
      );
      await client.query(
        `insert into "audit_event" (id, action, actor_id, target_type, target_id, ip, metadata, created_at)
         values ($1, $2, $3, $4, $5, $6, $7::jsonb, $15), ($8, $9, $10, $11, $12, $13, $14::jsonb, $15)`,
        [
          ...auditEvent('invite.accepted', user.id, 'invite', invite.id, { email: user.email }),
          ...auditEvent('user.created', user.id, 'user', user.id, { email: user.email, role: user.role }),
          now,
        ],
      );
      return user;
    });
    reply.header('set-cookie', `gatehouse_session=${sessionToken}; Path=/; HttpOnly; SameSite=Lax`);
    return { result: { data: { user: dto(user) } } };
  } catch (error) {
    if (error instanceof Refused) return reply.code(error.status).send({ error: {} });
    throw error;
  }
});

await app.listen({ host: '127.0.0.1', port: 0 });
const address = app.server.address();
process.on('message', (message: { type: string }) => {
  if (message.type === 'stop')
    void app
      .close()
      .then(() => pool.end())
      .then(() => process.exit(0));
});
process.send?.({ type: 'ready', port: typeof address === 'object' && address ? address.port : 0 });
