// Server-Sent Events for the UI: gateway and deployment changes of one org, no polling.
import { Type } from '@sinclair/typebox';
import { ErrorBody, Uuid } from '@flowgate/config-model';
import type { App } from '../../platform/http/types.ts';
import { scopeOf } from '../../platform/http/auth.ts';
import type { EventBus } from '../../platform/events/bus.ts';
import { redisChannels } from '../../platform/names.ts';

const INTERNAL = new Set(['gateway.tags_changed']);

export async function eventRoutes(app: App, deps: { bus: EventBus; onClose(fn: () => void): void }) {
  const open = new Set<() => void>();
  deps.onClose(() => {
    for (const end of open) end();
  });
  app.get(
    '/api/v1/events',
    {
      config: { queryToken: true } as never,
      schema: {
        tags: ['events'],
        summary: 'Live changes of the org as Server-Sent Events (EventSource: pass ?access_token=)',
        querystring: Type.Object(
          { org_id: Type.Optional(Uuid), access_token: Type.Optional(Type.String({ maxLength: 4096 })) },
          { additionalProperties: false },
        ),
        response: { 400: ErrorBody, 401: ErrorBody, 404: ErrorBody },
      },
    },
    async (req, reply) => {
      const scope = scopeOf(req, 'viewer');
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        'content-type': 'text/event-stream',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      res.write(`retry: 3000\n: connected to org ${scope.orgId}\n\n`);
      const unsubscribe = deps.bus.subscribe(redisChannels.events, (event) => {
        if (event.org_id !== scope.orgId || INTERNAL.has(String(event.type))) return;
        res.write(`event: ${String(event.type)}\ndata: ${JSON.stringify(event)}\n\n`);
      });
      const ping = setInterval(() => res.write(': ping\n\n'), 15_000);
      const end = () => {
        clearInterval(ping);
        unsubscribe();
        open.delete(end);
        if (!res.writableEnded) res.end();
      };
      open.add(end);
      req.raw.on('close', end);
    },
  );
}
