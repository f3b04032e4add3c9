// Loaded by mocha in each of its workers (.mocharc.json "require"): V8's compile cache for the worker
// and for every process a test starts (the plan's runner, the CLIs), as the offline plan keeps it.
import * as nodeModule from "module";
import { COMPILE_CACHE_DIR } from "../plan/runner";

process.env.NODE_COMPILE_CACHE ??= COMPILE_CACHE_DIR;
(nodeModule as unknown as { enableCompileCache?: (dir: string) => unknown }).enableCompileCache?.(process.env.NODE_COMPILE_CACHE);
