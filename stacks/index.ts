// Entry point of `pulumi up` / `pulumi preview`: stack config → validated model → the deployment.
// CLOSED_FTP_CREDENTIALS=preview makes every provider assume its account's read-only preview role.
import * as pulumi from "@pulumi/pulumi";
import { ConfigValidationError, readStackConfig } from "./config";
import { credentialsFrom, CREDENTIALS_ENV } from "./credentials";
import { deployClosedFtp } from "./program";

async function main() {
    try {
        return await deployClosedFtp(readStackConfig(), { credentials: credentialsFrom(process.env[CREDENTIALS_ENV]) });
    } catch (err) {
        // RunError ends the program with the message alone: every issue, its path, no stack trace.
        if (err instanceof ConfigValidationError) throw new pulumi.RunError(err.message);
        throw err;
    }
}

export = main();
