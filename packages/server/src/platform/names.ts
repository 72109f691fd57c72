// One registry for shared names: Redis channels and keys, advisory-lock ids, event names.
export const advisoryLocks = {
  migrations: 72_610_001,
  bootstrap: 72_610_002,
  deploymentEngine: 72_610_003,
  // ── events ──
  alertEngine: 72_610_014,
} as const;

export const redisChannels = {
  events: 'flowgate:events',
  commands: 'flowgate:commands',
  // ── inventory ──
  /** Snapshot responses, from the replica holding the gateway to the one whose request waits. */
  inventorySnapshots: 'flowgate:inventory:snapshots',
} as const;

export const redisKeys = {
  rateLimitPrefix: 'flowgate:rl:',
} as const;
