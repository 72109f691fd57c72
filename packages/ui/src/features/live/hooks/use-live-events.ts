import { useQueryClient, type QueryKey } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { eventTypes } from '@flowgate/config-model';
import { API_BASE } from '../../../lib/api/client.ts';
import { getAccessToken } from '../../../lib/api/session-storage.ts';
import type { FlowgateEvent } from '../../../lib/api/types.ts';
import { authKeys } from '../../auth/api/auth-api.ts';
import { dedupeKeys, keysForEvent } from '../event-invalidation.ts';

export type LiveStatus = 'connecting' | 'live' | 'reconnecting';

const FLUSH_MS = 1000;
const BACKOFF_MS = [1000, 2000, 5000, 10_000, 30_000];

/**
 * Subscribes to the server's event stream for one org and turns events into query invalidations.
 * Bursts (a fleet reconnecting) are coalesced into at most one invalidation pass per second.
 * EventSource cannot send headers, so the access token travels as a query parameter.
 */
export function useLiveEvents(orgId: string | null): LiveStatus {
  const queryClient = useQueryClient();
  const [status, setStatus] = useState<LiveStatus>('connecting');
  const pending = useRef<QueryKey[]>([]);

  useEffect(() => {
    if (!orgId) return;
    let source: EventSource | null = null;
    let flushTimer: number | undefined;
    let retryTimer: number | undefined;
    let attempt = 0;
    let everOpened = false;
    let disposed = false;

    const flush = () => {
      flushTimer = undefined;
      const keys = dedupeKeys(pending.current);
      pending.current = [];
      for (const queryKey of keys) void queryClient.invalidateQueries({ queryKey });
    };

    const onEvent = (message: MessageEvent<string>) => {
      let event: FlowgateEvent;
      try {
        event = JSON.parse(message.data) as FlowgateEvent;
      } catch {
        return;
      }
      if (!event.type && message.type !== 'message') event = { ...event, type: message.type as FlowgateEvent['type'] };
      pending.current.push(...keysForEvent(event, orgId));
      if (flushTimer === undefined) flushTimer = window.setTimeout(flush, FLUSH_MS);
    };

    const connect = () => {
      if (disposed) return;
      const token = getAccessToken();
      if (!token) return;
      const url = `${API_BASE}/events?org_id=${encodeURIComponent(orgId)}&access_token=${encodeURIComponent(token)}`;
      source = new EventSource(url);
      source.onopen = () => {
        setStatus('live');
        attempt = 0;
        // Events may have been missed while disconnected: refresh this org's data once.
        if (everOpened) void queryClient.invalidateQueries({ queryKey: ['org', orgId] });
        everOpened = true;
      };
      source.onerror = () => {
        setStatus('reconnecting');
        if (source && source.readyState === EventSource.CLOSED) {
          // The browser gave up (e.g. 401 after the token expired): check the session, retry later.
          source = null;
          void queryClient.invalidateQueries({ queryKey: authKeys.me() });
          const delay = BACKOFF_MS[Math.min(attempt, BACKOFF_MS.length - 1)] ?? 30_000;
          attempt += 1;
          retryTimer = window.setTimeout(connect, delay);
        }
      };
      for (const type of eventTypes) source.addEventListener(type, onEvent as EventListener);
      source.onmessage = onEvent;
    };

    setStatus('connecting');
    connect();
    return () => {
      disposed = true;
      source?.close();
      if (flushTimer !== undefined) window.clearTimeout(flushTimer);
      if (retryTimer !== undefined) window.clearTimeout(retryTimer);
      pending.current = [];
    };
  }, [orgId, queryClient]);

  return status;
}
