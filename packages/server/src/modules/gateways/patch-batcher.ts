// Agent state changes of many gateways in one statement. During a rollout or a reconnect storm every
// gateway reports a change within seconds; one UPDATE each (each its own commit, each a round trip)
// was the control plane's limit. Here the patches of one moment that set the same columns become one
// UPDATE … FROM jsonb_to_recordset: PostgreSQL turns each patch (a JSON object) into a gateways row
// with jsonb_populate_record, so every column keeps its type. All statements of a batch share one commit.
// A gateway patched twice in one batch gets its second patch in a later statement (order kept).
// A batch that fails is retried patch by patch, so one bad patch fails only its own caller.
import type { Db, Sql } from '../../platform/db/db.ts';
import type { GatewayRow } from './gateways.store.ts';
import { patchGateway } from './gateways.store.ts';
import { systemScope } from '../../platform/scope.ts';

type Patch = Partial<Record<keyof GatewayRow, unknown>>;
interface Pending {
  orgId: string;
  id: string;
  patch: Patch;
  resolve: (found: boolean) => void;
  reject: (err: unknown) => void;
}

const COLUMN = /^[a-z_]+$/;

export function createGatewayPatchBatcher(
  db: Db,
  opts: { maxBatch?: number; maxDelayMs?: number; lanes?: number } = {},
) {
  const maxBatch = opts.maxBatch ?? 250;
  const maxDelayMs = opts.maxDelayMs ?? 5;
  // Batches of one lane run one after another; lanes run side by side (on PostgreSQL's several
  // connections and cores). A gateway always goes to the same lane, so its patches stay in order and
  // two lanes never write the same row.
  const lanes = Array.from({ length: Math.max(1, opts.lanes ?? (db.kind === 'pglite' ? 1 : 3)) }, () => ({
    queue: [] as Pending[],
    timer: null as NodeJS.Timeout | null,
    running: null as Promise<void> | null,
  }));
  type Lane = (typeof lanes)[number];
  const laneOf = (id: string) => {
    let h = 0;
    for (let i = 0; i < id.length; i++) h = (h * 31 + id.charCodeAt(i)) | 0;
    return lanes[Math.abs(h) % lanes.length]!;
  };
  let closed = false;
  /** Gateways with a patch queued or being written (count per id). */
  const inFlight = new Map<string, number>();
  const done = (id: string) => {
    const n = (inFlight.get(id) ?? 1) - 1;
    if (n <= 0) inFlight.delete(id);
    else inFlight.set(id, n);
  };
  const counters = { batches: 0, statements: 0, patches: 0, fallbacks: 0 };

  /** Statements for one batch: same columns together, a gateway at most once per statement, in order. */
  function plan(batch: Pending[]): Pending[][] {
    const rounds: Map<string, Pending[]>[] = [];
    const roundOf = new Map<string, number>(); // gateway id → the round its last patch is in
    for (const p of batch) {
      const r = (roundOf.get(p.id) ?? -1) + 1;
      roundOf.set(p.id, r);
      const round = rounds[r] ?? (rounds[r] = new Map());
      const cols = Object.keys(p.patch).sort().join(',');
      const group = round.get(cols);
      if (group) group.push(p);
      else round.set(cols, [p]);
    }
    return rounds.flatMap((round) => [...round.values()]);
  }

  async function update(sql: Sql, group: Pending[]): Promise<Set<string>> {
    const cols = Object.keys(group[0]!.patch).sort();
    for (const c of cols) if (!COLUMN.test(c)) throw new Error(`not a column: ${c}`);
    const sets = cols.map((c) => `${c} = r.${c}`);
    // Sorted by id: rows are locked in id order, like the other multi-row writes to gateways.
    const rows = [...group]
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
      .map((p) => ({ pid: p.id, porg: p.orgId, patch: p.patch }));
    const out = await sql.query<{ id: string }>(
      `UPDATE gateways g SET ${[...sets, 'updated_at = now()'].join(', ')}
         FROM jsonb_to_recordset($1::jsonb) AS p(pid uuid, porg uuid, patch jsonb)
        CROSS JOIN LATERAL jsonb_populate_record(NULL::gateways, p.patch) AS r
        WHERE g.id = p.pid AND g.org_id = p.porg
        RETURNING g.id`,
      [JSON.stringify(rows)],
    );
    return new Set(out.map((r) => r.id));
  }

  async function runBatch(batch: Pending[]) {
    const groups = plan(batch);
    counters.batches++;
    counters.statements += groups.length;
    counters.patches += batch.length;
    let found: Set<string>[];
    try {
      found = await db.tx(async (sql) => {
        const res: Set<string>[] = [];
        for (const g of groups) res.push(await update(sql, g));
        return res;
      });
    } catch {
      counters.fallbacks++;
      for (const p of batch) {
        try {
          p.resolve(await patchGateway(db, systemScope(p.orgId), p.id, p.patch));
        } catch (err) {
          p.reject(err);
        }
      }
      return;
    }
    groups.forEach((g, i) => g.forEach((p) => p.resolve(found[i]!.has(p.id))));
  }

  function drain(lane: Lane): Promise<void> {
    if (lane.timer) {
      clearTimeout(lane.timer);
      lane.timer = null;
    }
    if (lane.running) return lane.running;
    lane.running = (async () => {
      try {
        while (lane.queue.length) {
          const batch = lane.queue.slice(0, maxBatch);
          lane.queue = lane.queue.slice(batch.length);
          await runBatch(batch);
        }
      } finally {
        lane.running = null;
      }
    })();
    return lane.running;
  }
  const busy = () => lanes.some((l) => l.queue.length > 0 || l.running);
  const drainAll = async () => {
    while (busy()) await Promise.all(lanes.map((l) => drain(l)));
  };

  return {
    /** Resolves once written: true when the gateway exists (in that org), false when it does not. */
    patch(orgId: string, id: string, patch: Patch): Promise<boolean> {
      if (Object.keys(patch).length === 0 || closed) return patchGateway(db, systemScope(orgId), id, patch);
      inFlight.set(id, (inFlight.get(id) ?? 0) + 1);
      const lane = laneOf(id);
      return new Promise<boolean>((resolve, reject) => {
        lane.queue.push({
          orgId,
          id,
          patch,
          resolve: (v) => (done(id), resolve(v)),
          reject: (e) => (done(id), reject(e)),
        });
        if (lane.queue.length >= maxBatch) void drain(lane);
        else if (!lane.running && !lane.timer) lane.timer = setTimeout(() => void drain(lane), maxDelayMs);
      });
    },
    /**
     * Waits until no patch of this gateway is queued or being written — before writing to its row
     * directly (a reconnect right after a disconnect must not be overtaken by the disconnect's patch).
     */
    async settle(id: string) {
      const lane = laneOf(id);
      while (inFlight.has(id)) await drain(lane);
    },
    flush: drainAll,
    async close() {
      closed = true;
      await drainAll();
    },
    stats: () => ({ ...counters }),
  };
}
export type GatewayPatchBatcher = ReturnType<typeof createGatewayPatchBatcher>;
