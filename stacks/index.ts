// Entry point of `pulumi up` / `pulumi preview`: stack config → validated model → the deployment.
import * as pulumi from "@pulumi/pulumi";
import { ConfigValidationError, readStackConfig } from "./config";
import { deployClosedFtp } from "./program";

function model() {
    try {
        return readStackConfig();
    } catch (err) {
        // RunError ends the program with the message alone: every issue, its path, no stack trace.
        if (err instanceof ConfigValidationError) throw new pulumi.RunError(err.message);
        throw err;
    }
}

export = deployClosedFtp(model());
