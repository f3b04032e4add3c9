// Entry point of `pulumi up` / `pulumi preview`: stack config → validated model → the deployment.
// CLOSED_FTP_CREDENTIALS=preview makes every provider assume its account's read-only preview role.
import * as pulumi from "@pulumi/pulumi";
import { ConfigValidationError, readStackConfig } from "./config";
import { credentialsFrom, CREDENTIALS_ENV } from "./credentials";
import { deployClosedFtp } from "./program";

/**
 * Pulumi's runner never shows a RunError's stack, but it does pass the error to util.inspect (for a
 * trace event), and on Node 20 that spins for about 12 s on a source-mapped stack through
 * node_modules before failing with "Invalid string length": a bad config would stall every preview.
 */
function withoutStack(err: pulumi.RunError): pulumi.RunError {
    err.stack = `${err.name}: ${err.message}`;
    return err;
}

async function main() {
    try {
        return await deployClosedFtp(readStackConfig(), { credentials: credentialsFrom(process.env[CREDENTIALS_ENV]) });
    } catch (err) {
        // RunError ends the program with the message alone: every issue, its path, no stack trace.
        if (err instanceof ConfigValidationError) throw withoutStack(new pulumi.RunError(err.message));
        throw err;
    }
}

export = main();
