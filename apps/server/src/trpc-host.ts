import type { AnyTRPCRouter } from '@trpc/server';
import {
  type FastifyRequestHandlerOptions,
  type FastifyTRPCPluginOptions,
  fastifyRequestHandler,
} from '@trpc/server/adapters/fastify';
import {
  getErrorShape,
  getHTTPStatusCode,
  getProcedureAtPath,
  getTRPCErrorFromUnknown,
  type TRPCError,
  transformTRPCResponse,
} from '@trpc/server/unstable-core-do-not-import';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

type TrpcOptions<TRouter extends AnyTRPCRouter> = FastifyTRPCPluginOptions<TRouter>['trpcOptions'];
type Handler<TRouter extends AnyTRPCRouter> = FastifyRequestHandlerOptions<
  TRouter,
  FastifyRequest,
  FastifyReply
>;

export interface TrpcHostOptions<TRouter extends AnyTRPCRouter> {
  trpcOptions: TrpcOptions<TRouter>;
  /**
   * Answer single GET queries directly (default true); false sends every call through tRPC's own
   * Fastify adapter, which the differential test compares against.
   */
  directQueries?: boolean;
}

/**
 * Mounts the router at `/trpc/:path`, as tRPC's Fastify plugin does (its body parsers included),
 * with one shortcut on the hottest path. A single (unbatched) GET query (`auth.me`, `users.get`,
 * `users.list`…) is answered here: context, procedure, error shape and status come from tRPC's own
 * functions, but without the WHATWG Request, AbortSignals, Headers, Response and stream writer the
 * adapter builds around every call (a third of the host's CPU per read, in the bench's profile),
 * and the body goes out in one write with a Content-Length. Every other request (mutations,
 * batches, streaming, HEAD, unknown paths, odd inputs) goes through tRPC's adapter unchanged.
 */
export function registerTrpc<TRouter extends AnyTRPCRouter>(
  app: FastifyInstance,
  options: TrpcHostOptions<TRouter>,
): PromiseLike<unknown> {
  const { trpcOptions } = options;
  const directQueries = options.directQueries ?? true;
  const config = trpcOptions.router._def._config;

  return app.register(async (scope) => {
    // As tRPC's plugin: it parses bodies itself.
    scope.removeContentTypeParser('application/json');
    scope.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) =>
      done(null, body),
    );
    scope.removeContentTypeParser('multipart/form-data');
    scope.addContentTypeParser('multipart/form-data', {}, (_req, body, done) => done(null, body));

    const viaAdapter = (req: FastifyRequest, reply: FastifyReply, path: string) =>
      fastifyRequestHandler({ ...trpcOptions, req, res: reply, path } as Handler<TRouter>);

    scope.all<{ Params: { path: string }; Querystring: Record<string, unknown> }>(
      '/trpc/:path',
      async (req, reply) => {
        const { path } = req.params;
        if (!directQueries || req.method !== 'GET') return viaAdapter(req, reply, path);
        const rawInput = req.query.input;
        if ('batch' in req.query || (rawInput !== undefined && typeof rawInput !== 'string')) {
          return viaAdapter(req, reply, path);
        }
        const procedure = await getProcedureAtPath(trpcOptions.router, path);
        if (procedure?._def.type !== 'query') return viaAdapter(req, reply, path);
        let input: unknown;
        if (rawInput !== undefined) {
          try {
            input = JSON.parse(rawInput);
          } catch {
            return viaAdapter(req, reply, path); // tRPC words the parse error
          }
        }
        return answerQuery(req, reply, path, procedure, input);
      },
    );
  });

  async function answerQuery(
    req: FastifyRequest,
    reply: FastifyReply,
    path: string,
    procedure: NonNullable<Awaited<ReturnType<typeof getProcedureAtPath>>>,
    input: unknown,
  ) {
    let ctx: unknown;
    let error: TRPCError | undefined;
    let data: unknown;
    try {
      // Our context factory reads only req and res (see http-context.ts), never tRPC's `info`.
      ctx = await trpcOptions.createContext?.({ req, res: reply } as Parameters<
        NonNullable<typeof trpcOptions.createContext>
      >[0]);
    } catch (cause) {
      error = getTRPCErrorFromUnknown(cause);
    }
    if (!error) {
      try {
        data = await procedure({
          path,
          getRawInput: async () => config.transformer.input.deserialize(input),
          ctx,
          type: 'query',
          signal: undefined,
          batchIndex: 0,
        });
      } catch (cause) {
        error = getTRPCErrorFromUnknown(cause);
      }
    }
    // A Buffer, so that Fastify sends the content type as is (as tRPC's adapter does), no charset added.
    void reply.header('vary', 'trpc-accept, accept').header('content-type', 'application/json');
    if (!error) {
      const body = transformTRPCResponse(config, { result: { data } });
      return reply.code(200).send(Buffer.from(JSON.stringify(body)));
    }
    trpcOptions.onError?.({ error, path, input, ctx, type: 'query', req } as Parameters<
      NonNullable<typeof trpcOptions.onError>
    >[0]);
    const response = { error: getErrorShape({ config, ctx, error, input, path, type: 'query' }) };
    const meta = trpcOptions.responseMeta?.({
      ctx,
      info: undefined,
      type: 'query',
      paths: [path],
      data: [response],
      errors: [error],
      eagerGeneration: false,
    } as unknown as Parameters<NonNullable<typeof trpcOptions.responseMeta>>[0]);
    for (const [name, value] of Object.entries(meta?.headers ?? {})) {
      if (typeof value === 'string') void reply.header(name, value);
    }
    return reply
      .code(meta?.status ?? getHTTPStatusCode(response))
      .send(Buffer.from(JSON.stringify(transformTRPCResponse(config, response))));
  }
}
