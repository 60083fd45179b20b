// Worker threads do not inherit the bin's tsx registration: register it, then run the
// TypeScript worker.
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
