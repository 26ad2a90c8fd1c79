// The baseline: a minimal hand-written Fastify + pg server answering the same requests with the
// same SQL as Gatehouse (session ⋈ user, then the read), with no framework beyond Fastify. It is
// the practical limit of this stack on this machine.
import { createHash } from 'node:crypto';
import Fastify from 'fastify';
import pg from 'pg';

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
  const { q, limit = 50 } = input(req.query) as { q?: string; limit?: number };
  const pattern = q ? `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : null;
  const filter = pattern
    ? `u.deleted_at is null and (u.email || chr(31) || coalesce(u.first_name, '') || chr(31) || coalesce(u.last_name, '')) ilike $1`
    : 'u.deleted_at is null';
  const [page, count] = await Promise.all([
    pool.query<Row>(
      `select ${USER_COLUMNS} from "user" u where ${filter} order by u.id desc limit ${pattern ? '$2' : '$1'}`,
      pattern ? [pattern, limit + 1] : [limit + 1],
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
