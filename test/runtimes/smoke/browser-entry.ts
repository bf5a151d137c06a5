// The smoke run in a page: the driver calls `window.runSmoke(config)` and reads the report it returns.
import { runSmoke } from './run-smoke';

(globalThis as { runSmoke?: typeof runSmoke }).runSmoke = runSmoke;
