import { Registry, Histogram, Gauge, Counter, collectDefaultMetrics } from 'prom-client';

export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'flowgate_' });
  const httpDuration = new Histogram({
    name: 'flowgate_http_request_duration_seconds',
    help: 'HTTP request latency by route',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const dbPool = new Gauge({
    name: 'flowgate_db_pool_connections',
    help: 'Database pool connections by state',
    labelNames: ['state'] as const,
    registers: [registry],
  });
  const opampConnections = new Gauge({
    name: 'flowgate_opamp_connections',
    help: 'Live OpAMP connections on this replica',
    labelNames: ['transport'] as const,
    registers: [registry],
  });
  const opampMessages = new Counter({
    name: 'flowgate_opamp_messages_total',
    help: 'OpAMP messages handled by this replica',
    registers: [registry],
  });
  return { registry, httpDuration, dbPool, opampConnections, opampMessages };
}
export type Metrics = ReturnType<typeof createMetrics>;
