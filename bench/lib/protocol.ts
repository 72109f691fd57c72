// Parent ↔ simulator worker messages (over the fork IPC channel).

export interface WorkerConfig {
  url: string;
  token: string;
  transport: 'websocket' | 'http';
  heartbeatSeconds: number;
  applyDelayMs: number;
  failShare: number;
  reconnectMinMs: number;
  reconnectMaxMs: number;
  /** Source addresses (127.0.0.x) to spread connections over; agent i binds localAddresses[i % n]. */
  localAddresses: string[];
  namePrefix: string;
  startIndex: number;
  count: number;
}

export type WorkerRequest =
  | { id: number; op: 'init'; config: WorkerConfig }
  | { id: number; op: 'start'; concurrency: number }
  | { id: number; op: 'status' }
  | { id: number; op: 'deployStats'; hash: string; t0: number }
  | { id: number; op: 'uids' }
  | { id: number; op: 'stop'; concurrency: number }
  | { id: number; op: 'exit' };

export interface WorkerStatus {
  agents: number;
  /** Open WebSocket (HTTP: started and not stopped). */
  connected: number;
  /** The server answered our full state on the current connection (after a restart: again). */
  fullStateAcked: number;
  /** Agents that connected more than once. */
  reconnected: number;
  /** Agents that received a remote config / finished applying it / reported FAILED. */
  configs: number;
  applied: number;
  failed: number;
  /** Messages sent and replies/pushes received by this worker's agents. */
  sent: number;
  received: number;
  errors: number;
  sendFailures: number;
  rssBytes: number;
}

export interface DeployStats {
  /** ms from t0 to the config's arrival / to APPLIED, per agent that got the hash. */
  received: number[];
  applied: number[];
  failed: number;
  missing: number;
}

/** Deterministic: the same agents fail in every run, spread evenly over the fleet. */
export function failsAt(index: number, share: number): boolean {
  if (share <= 0) return false;
  return Math.floor((index + 1) * share) !== Math.floor(index * share);
}
