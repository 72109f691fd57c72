// Worker-thread entry of bench/usage.ts: a worker does not inherit the tsx loader, so it registers its own.
import { register } from 'tsx/esm/api';

register();
await import('./usage.ts');
