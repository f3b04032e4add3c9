// `npm run plan -- --stack <name> [--bootstrap] [--json] [--names] [--show-secrets] [--first-preview] [--dir <stack file dir>]`
import * as path from "path";
import { credentialsFrom, CREDENTIALS_ENV } from "../stacks/credentials";
import { existingFolder, FlagError, parseFlags as parseCliFlags } from "../scripts/cli-flags";
import { describePlanFailure, PlanInputError, readStackFile, renderPlan, runBootstrapPlan, runPlan, stackFilePath, summarizePlan } from "./plan";

const USAGE = `usage: npm run plan -- --stack <name> [--bootstrap] [--json] [--names] [--show-secrets] [--first-preview] [--dir <stack file dir>]

Runs the closed-ftp program with Pulumi.<name>.yaml the way \`pulumi preview\` does (Pulumi's own
runner), against a mock cloud instead of the engine and AWS.
  --stack <name>    the stack whose Pulumi.<name>.yaml to read (required)
  --bootstrap       plan the bootstrap project (bootstrap/: each account's deploy and preview roles,
                    the CI roles, the state bucket and the secrets key) from the same stack file
  --json            print one JSON document (resources, inputs, state, outputs) instead of the summary
  --names           in the summary, list every resource's name under its type, per account
  --show-secrets    print secret values instead of "[secret]" (secure: values are placeholders offline)
  --first-preview   plan as the first \`pulumi preview\` of a new stack sees it: every value the cloud
                    computes (ids, ARNs, unique ids, endpoint DNS) is "[unknown]"
  --dir <path>      where the stack file is (default: the project root); the program is always this
                    project's (Pulumi.yaml, main: stacks/index.ts)`;

interface Flags {
    stack: string;
    bootstrap: boolean;
    json: boolean;
    names: boolean;
    showSecrets: boolean;
    firstPreview: boolean;
    dir: string;
}

function folderFlag(dir: string): string {
    try {
        return existingFolder("--dir", dir);
    } catch (err) {
        throw err instanceof FlagError ? new PlanInputError(err.message) : err;
    }
}

export function parseFlags(argv: string[]): Flags | "help" {
    let values;
    try {
        values = parseCliFlags(argv, {
            stack: { type: "string", short: "s" }, bootstrap: { type: "boolean" }, json: { type: "boolean" }, names: { type: "boolean" }, "show-secrets": { type: "boolean" },
            "first-preview": { type: "boolean" }, dir: { type: "string" }, help: { type: "boolean", short: "h" },
        });
    } catch (err) {
        throw err instanceof FlagError ? new PlanInputError(err.message) : err;
    }
    if (values.help) return "help";
    const stack = values.stack;
    // `npm run plan --stack dev` (no `--`): npm keeps the flag for itself, as npm_config_stack.
    if (!stack && process.env.npm_config_stack !== undefined) throw new PlanInputError(`npm took --stack for itself: put -- before the plan's flags, as in npm run plan -- --stack ${process.env.npm_config_stack === "true" ? "<name>" : process.env.npm_config_stack}`);
    if (!stack) throw new PlanInputError("--stack is required (e.g. --stack dev)");
    if (!/^[\w.-]+$/.test(stack)) throw new PlanInputError(`--stack "${stack}": a stack name has only letters, digits, "-", "_" and "."`);
    return {
        stack, bootstrap: values.bootstrap ?? false, json: values.json ?? false, names: values.names ?? false, showSecrets: values["show-secrets"] ?? false, firstPreview: values["first-preview"] ?? false,
        dir: values.dir ? folderFlag(values.dir) : path.resolve(__dirname, ".."),
    };
}

async function main(): Promise<number> {
    let flags: Flags | "help";
    try {
        flags = parseFlags(process.argv.slice(2));
    } catch (err) {
        console.error(`plan: ${(err as Error).message}\n\n${USAGE}`);
        return 2;
    }
    if (flags === "help") {
        console.log(USAGE);
        return 0;
    }
    try {
        // CLOSED_FTP_CREDENTIALS=preview plans with the preview roles, as the pull-request preview runs.
        const credentials = credentialsFrom(process.env[CREDENTIALS_ENV]);
        const stackFile = readStackFile(flags.stack, flags.dir);
        const run = flags.bootstrap
            ? await runBootstrapPlan(flags.stack, stackFilePath(flags.stack, flags.dir), stackFile, { firstPreview: flags.firstPreview })
            : await runPlan(flags.stack, stackFile, { firstPreview: flags.firstPreview, credentials });
        if (flags.json) console.log(JSON.stringify(renderPlan(run.document, flags.showSecrets), null, 2));
        else console.log(summarizePlan(run, flags.showSecrets, { names: flags.names }));
        return 0;
    } catch (err) {
        console.error(`plan: ${describePlanFailure(err)}`);
        return 1;
    }
}

if (require.main === module) {
    main().then((code) => {
        // The runner and the mock cloud are stopped by now; exit with the verdict.
        process.exitCode = code;
    });
}
