// One run of Pulumi's runner per distinct plan in a test process: several suites plan the dev stack
// (and its first preview), and each run is a program started, compiled and evaluated afresh.
// Callers treat the run as read-only.
import { PlanOptions, PlanRun, runPlan, StackConfig } from "../plan";

const runs = new Map<string, Promise<PlanRun>>();

export function planOnce(stack: string, config: StackConfig, options: PlanOptions = {}): Promise<PlanRun> {
    const key = JSON.stringify([stack, config, options]);
    let run = runs.get(key);
    if (!run) {
        run = runPlan(stack, config, options);
        runs.set(key, run);
    }
    return run;
}
