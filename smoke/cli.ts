// `npm run smoke -- --stack <name> [--ftp] ...`: the post-deploy check of every user (see --help).
import { SSMClient } from "@aws-sdk/client-ssm";
import { TransferClient } from "@aws-sdk/client-transfer";
import * as path from "path";
import { ConfigValidationError } from "../stacks/config";
import { PlanInputError, readStackFile } from "../plan/plan";
import {
    assumedRoleCredentials, ftpHostOf, HubRole, hubAccountProblem, hubRoleFor, hubRolesOf, OutputsError, parseSmokeFlags, readOutputsFile, readStackOutputs, runSmoke,
    SmokeFlagError, SmokeFlags, SmokeInputError, SmokeOutputs, StackHub, STSClient, transferIdentityProvider, USAGE,
} from "./index";
import { ssmRunCommand, TestClientError, testClientRoundTrip } from "./test-client";

const PROJECT_DIR = path.resolve(__dirname, "..");

async function main(): Promise<number> {
    let flags: SmokeFlags | "help";
    try {
        flags = parseSmokeFlags(process.argv.slice(2));
    } catch (err) {
        if (!(err instanceof SmokeFlagError)) throw err;
        console.error(`smoke: ${err.message}\n\n${USAGE}`);
        return 2;
    }
    if (flags === "help") {
        console.log(USAGE);
        return 0;
    }

    const timeoutMs = flags.timeoutSeconds * 1000;
    let outputs: SmokeOutputs;
    try {
        outputs = flags.source.kind === "file"
            ? readOutputsFile(flags.source.file)
            // The CLI may log in to a remote backend first: more than one step's worth of time.
            : await readStackOutputs(flags.source.stack, { cwd: PROJECT_DIR, timeoutMs: Math.max(timeoutMs * 4, 60_000) });
    } catch (err) {
        if (!(err instanceof OutputsError)) throw err;
        console.error(`smoke: ${err.message}`);
        return 1;
    }

    // Before any AWS call: a stack without a test client cannot run the check there.
    const viaClient = flags.via === "test-client";
    if (viaClient && !outputs.testClient) {
        console.error("smoke: --via test-client: the stack has no test client (its outputs have no testClient): set closed-ftp:testClient in the stack file and pulumi up (README, Verify from inside AWS)");
        return 2;
    }
    let role: HubRole;
    try {
        const stackHub = flags.source.kind === "stack" ? stackHubOf(flags.source.stack) : undefined;
        role = hubRoleFor({ role: flags.role, ambient: flags.ambientCredentials }, stackHub, process.env);
    } catch (err) {
        if (!(err instanceof ConfigValidationError || err instanceof PlanInputError)) throw err;
        console.error(`smoke: ${err.message}`);
        return 2;
    }
    const credentials = role.roleArn ? assumedRoleCredentials(role.roleArn, outputs.region) : undefined;
    console.log(`hub credentials: ${role.roleArn ? `assume ${role.roleArn}` : "ambient"} (${role.from})`);
    const sts = new STSClient({ region: outputs.region, credentials });
    try {
        const problem = await hubAccountProblem(sts, outputs.hubAccountId, role);
        if (problem) {
            console.error(`smoke: ${problem}`);
            return 1;
        }
    } catch (err) {
        // No credentials, or none that STS takes: say so in one line, not with the SDK's stack.
        const reason = err instanceof Error ? `${err.name}: ${err.message.split("\n")[0]}` : String(err);
        console.error(`smoke: no AWS credentials that reach the hub account ${outputs.hubAccountId}${role.roleArn ? ` to assume ${role.roleArn} with` : ""} (${reason}). Set AWS_PROFILE or run where a role is ambient (the deploy job's OIDC role), then try again`);
        return 1;
    } finally {
        sts.destroy();
    }
    const transfer = new TransferClient({ region: outputs.region, credentials });
    const ssm = viaClient ? new SSMClient({ region: outputs.region, credentials }) : undefined;
    const client = ssm && outputs.testClient ? testClientRoundTrip(ssmRunCommand(ssm, outputs.testClient.instanceId), {
        privateIp: outputs.testClient.privateIp, allowedSourceCidrs: (user) => outputs.users[user]?.allowedSourceCidrs,
    }) : undefined;
    try {
        if (client) console.log(`ftp round trip: on the test client ${outputs.testClient?.instanceId} (${outputs.testClient?.privateIp}) through SSM Run Command`);
        const report = await runSmoke(outputs, {
            source: flags.source.kind === "stack" ? `stack "${flags.source.stack}"` : `"${flags.source.file}"`,
            protocol: flags.protocol,
            sourceIp: flags.sourceIp,
            users: flags.users,
            // The endpoint's own name resolves in any VPC; a private zone's name only where the zone is associated.
            ftp: flags.ftp ? { host: flags.host ?? (client ? outputs.endpointDnsName : ftpHostOf(outputs)), port: flags.port, secure: flags.ftps, timeoutMs } : undefined,
        }, { transfer: transferIdentityProvider(transfer, timeoutMs), log: (line) => console.log(line), ...(client ? { ftp: client.roundTrip } : {}) });
        return report.ok ? 0 : 1;
    } catch (err) {
        if (err instanceof TestClientError) {
            console.error(`smoke: test client: ${err.message}`);
            return 1;
        }
        if (!(err instanceof SmokeInputError)) throw err;
        console.error(`smoke: ${err.message}`);
        return 2;
    } finally {
        await client?.finish().catch((err: Error) => console.error(`smoke: test client: the run's key and files may be left in /run/closed-ftp-smoke: ${err.message}`));
        transfer.destroy();
        ssm?.destroy();
    }
}

/** The hub entry of the stack file, for its roles; the stack name may be fully qualified (org/project/stack). */
function stackHubOf(stack: string): StackHub | undefined {
    const name = stack.split("/").pop() as string;
    const file = readStackFile(name, PROJECT_DIR).config;
    try {
        return hubRolesOf(name, file);
    } catch (err) {
        throw new PlanInputError((err as Error).message);
    }
}

main().then((code) => {
    process.exitCode = code;
}, (err: unknown) => {
    console.error(`smoke: unexpected error: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
    process.exitCode = 1;
});
