// OpAMP custom messages between the control plane and its gateways, for features that own a custom
// capability (the inventory owns io.flowgate.measure). Incoming messages reach the capability's handler
// with the gateway they came from — only from admitted connections, since the adapter calls in after it
// resolved the agent's gateway. Outgoing messages travel like config pushes: a command on the bus, taken
// by every replica; the one holding the gateway's WebSocket sends it at once; plain-HTTP agents get it in
// the reply to their next poll, from whichever replica serves it (each replica keeps a short-lived copy;
// a duplicate is harmless for request/response messages that carry an id).
import { customMessage, type CustomMessage } from '@flowgate/opamp';
import type pino from 'pino';
import type { EventBus } from '../platform/events/bus.ts';
import { redisChannels } from '../platform/names.ts';

export interface CustomMessageSource {
  orgId: string;
  gatewayId: string;
  transport: 'websocket' | 'http';
  /** What the connection was admitted with: whoever stores the message re-checks it is still valid. */
  credential: { kind: 'gateway_token'; jti: string | null } | { kind: 'registration_token'; id: string };
}
export type CustomMessageHandler = (
  from: CustomMessageSource,
  msg: { type: string; data: Uint8Array },
) => Promise<void> | void;

/** The adapter's view of this replica's connections, for delivering what the bus brings. */
export interface LocalAgents {
  /** The gateway's WebSocket on this replica, when it announced the capability; null otherwise. */
  websocket(gatewayId: string, capability: string): ((msg: CustomMessage) => Promise<void>) | null;
}

interface CustomMessageCommand {
  type: 'custom_message';
  org_id: string;
  gateway_id: string;
  capability: string;
  message_type: string;
  data: string;
  expires_at: number;
}
interface Queued {
  msg: CustomMessage;
  expiresAt: number;
}

/** Queued messages per gateway for HTTP agents; beyond this the oldest go. */
const MAX_QUEUED = 8;

export function createCustomMessages(deps: { bus: EventBus; logger: pino.Logger }) {
  const log = deps.logger.child({ component: 'opamp-custom' });
  const handlers = new Map<string, CustomMessageHandler>();
  const outbox = new Map<string, Queued[]>();
  let local: LocalAgents | null = null;

  const sweep = setInterval(() => {
    const now = Date.now();
    for (const [id, q] of outbox) {
      const live = q.filter((m) => m.expiresAt > now);
      if (live.length) outbox.set(id, live);
      else outbox.delete(id);
    }
  }, 10_000);
  sweep.unref();

  return {
    /** The feature owning `capability` receives its messages here. */
    handle(capability: string, handler: CustomMessageHandler): () => void {
      handlers.set(capability, handler);
      return () => {
        if (handlers.get(capability) === handler) handlers.delete(capability);
      };
    },

    /**
     * Sends a custom message to a gateway wherever it is connected (any replica, either transport).
     * Undelivered after `ttlMs` (the gateway did not poll, or is not connected), it is dropped.
     */
    async send(orgId: string, gatewayId: string, capability: string, type: string, data: Uint8Array, ttlMs: number) {
      const cmd: CustomMessageCommand = {
        type: 'custom_message',
        org_id: orgId,
        gateway_id: gatewayId,
        capability,
        message_type: type,
        data: Buffer.from(data).toString('base64'),
        expires_at: Date.now() + ttlMs,
      };
      await deps.bus.publish(redisChannels.commands, cmd as unknown as Record<string, unknown>);
    },

    // ── adapter hooks ──
    attach(agents: LocalAgents) {
      local = agents;
    },
    /** A command from the bus; true when it was a custom message (the adapter handles the others). */
    onCommand(raw: Record<string, unknown>): boolean {
      if (raw.type !== 'custom_message') return false;
      const cmd = raw as unknown as CustomMessageCommand;
      if (cmd.expires_at <= Date.now()) return true;
      const msg = customMessage(cmd.capability, cmd.message_type, new Uint8Array(Buffer.from(cmd.data, 'base64')));
      const ws = local?.websocket(cmd.gateway_id, cmd.capability);
      if (ws) {
        void ws(msg).catch((err: Error) =>
          log.warn({ err: err.message, gateway: cmd.gateway_id, type: cmd.message_type }, 'custom message not sent'),
        );
        return true;
      }
      const q = outbox.get(cmd.gateway_id) ?? [];
      q.push({ msg, expiresAt: cmd.expires_at });
      outbox.set(cmd.gateway_id, q.slice(-MAX_QUEUED));
      return true;
    },
    /** The next queued message for a gateway's reply (one per ServerToAgent), if it announced the capability. */
    take(gatewayId: string, announced: readonly string[] | null): CustomMessage | undefined {
      const q = outbox.get(gatewayId);
      if (!q) return undefined;
      const now = Date.now();
      let next: CustomMessage | undefined;
      while (q.length && !next) {
        const m = q.shift()!;
        if (m.expiresAt > now && announced?.includes(m.msg.capability)) next = m.msg;
      }
      if (q.length === 0) outbox.delete(gatewayId);
      return next;
    },
    /** A custom message an admitted agent sent: to its capability's handler (never throws). */
    async received(from: CustomMessageSource, msg: CustomMessage) {
      const handler = handlers.get(msg.capability);
      if (!handler) {
        log.debug({ gateway: from.gatewayId, capability: msg.capability }, 'custom message for no known capability');
        return;
      }
      try {
        await handler(from, { type: msg.type, data: msg.data });
      } catch (err) {
        log.warn(
          { err: (err as Error).message, gateway: from.gatewayId, capability: msg.capability, type: msg.type },
          'custom message handler failed',
        );
      }
    },
    close() {
      clearInterval(sweep);
      outbox.clear();
    },
  };
}
export type CustomMessages = ReturnType<typeof createCustomMessages>;
