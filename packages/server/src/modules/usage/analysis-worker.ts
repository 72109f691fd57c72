// Runs in a worker thread (see analysis-pool.ts): parsing tens of thousands of PromQL queries and
// merging an org's usage take seconds of CPU that must not stall the server's event loop.
import { parentPort } from 'node:worker_threads';
import { runAnalysisTask, type AnalysisTask } from './analysis-tasks.ts';

parentPort!.on('message', (msg: { id: number; task: AnalysisTask }) => {
  try {
    parentPort!.postMessage({ id: msg.id, ok: true, result: runAnalysisTask(msg.task) });
  } catch (err) {
    parentPort!.postMessage({ id: msg.id, ok: false, error: (err as Error).stack ?? String(err) });
  }
});
