// Worker-thread entry: the server runs TypeScript through tsx, and a worker does not inherit the
// loader the main thread registered programmatically (bin/flowgate.mjs), so it registers its own.
import { register } from 'tsx/esm/api';

register();
await import('./analysis-worker.ts');
