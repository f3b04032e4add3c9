// Entry point of `pulumi up` in bootstrap/: the main project's stack file → the estate → the roles,
// the state bucket and the secrets key. Bad config ends the run with every issue and no stack trace.
import * as pulumi from "@pulumi/pulumi";
import { ConfigValidationError } from "../stacks/config";
import { readMainStackFile } from "./stack-file";
import { deployBootstrap } from "./program";

async function main() {
    try {
        const stack = pulumi.getStack();
        return await deployBootstrap(readMainStackFile(stack), stack);
    } catch (err) {
        if (err instanceof ConfigValidationError) {
            const runError = new pulumi.RunError(err.message);
            // As stacks/index.ts: a RunError's stack is never shown, and inspecting it can stall the runner.
            runError.stack = `${runError.name}: ${runError.message}`;
            throw runError;
        }
        throw err;
    }
}

export = main();
