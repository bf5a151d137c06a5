// The smoke run as a Cloudflare Worker's test handler, for `workerd test`: the config arrives as a
// text binding, the report is logged as one line starting with `SMOKE `.
import { runSmoke, type SmokeConfig } from './run-smoke';

export default {
  async test(_controller: unknown, env: { SMOKE_CONFIG: string }): Promise<void> {
    const report = await runSmoke(JSON.parse(env.SMOKE_CONFIG) as SmokeConfig);
    console.log(`SMOKE ${JSON.stringify(report)}`);
  },
};
