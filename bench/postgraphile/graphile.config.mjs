// PostGraphile 5 as its users would run it against the bench world: the amber preset, the
// connection-filter plugin (for `stage: {in: [...]}`), schemas `public` and the bench-only
// `bench_postgraphile` (the timeline view), no authorization (superuser connection, no RLS/JWT).
// Started by bench/run_workloads.py with the Node 22 binary from bench/node_modules.
import { PostGraphileAmberPreset } from "postgraphile/presets/amber";
import { makePgService } from "postgraphile/adaptors/pg";
import { PostGraphileConnectionFilterPreset } from "postgraphile-plugin-connection-filter";

/** @type {GraphileConfig.Preset} */
const preset = {
  extends: [PostGraphileAmberPreset, PostGraphileConnectionFilterPreset],
  pgServices: [
    makePgService({
      connectionString: process.env.BENCH_PG_URL ?? "postgres://postgres@127.0.0.1:5432/prism_bench",
      schemas: ["public", "bench_postgraphile"],
    }),
  ],
  grafserv: {
    host: "127.0.0.1",
    port: Number(process.env.BENCH_PG_PORT ?? 5678),
    graphiql: false,
    watch: false,
  },
  grafast: { explain: false },
};

export default preset;
