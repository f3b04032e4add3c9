// Whose credentials the smoke test calls Transfer with: the hub's role, assumed the same way the
// program's hub provider assumes it, never whatever the runner happens to hold.
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { fromTemporaryCredentials } from "@aws-sdk/credential-providers";
import type { AwsCredentialIdentity } from "@smithy/types";
import { credentialsFrom, CREDENTIALS_ENV, roleToAssume } from "../stacks/credentials";
import { HUB_KEY, partitionOf } from "../infra/model";
import { bootstrapRoleArn } from "../infra/naming";

export interface HubRole {
    /** The role to assume; undefined means the runner's own (ambient) credentials. */
    roleArn?: string;
    /** Where the choice came from, for the run's first line. */
    from: string;
}

/** The `closed-ftp:hub` entry of a stack file, as far as roles go. */
export interface StackHub {
    deployRoleArn?: string;
    previewRoleArn?: string;
}

/**
 * The hub's roles as a stack file (config keys → engine-style strings) names them: the bootstrap's,
 * by its convention, when closed-ftp:bootstrap is set, as the program's hub provider takes them.
 */
export function hubRolesOf(stack: string, config: Record<string, string>): StackHub | undefined {
    const raw = config["closed-ftp:hub"];
    if (raw === undefined) return undefined;
    let hub: StackHub & { accountId?: unknown };
    try {
        hub = JSON.parse(raw) as StackHub & { accountId?: unknown };
    } catch {
        throw new Error("closed-ftp:hub in the stack file is not a map");
    }
    if (config["closed-ftp:bootstrap"] === undefined || typeof hub.accountId !== "string") return { deployRoleArn: hub.deployRoleArn, previewRoleArn: hub.previewRoleArn };
    const at = { partition: partitionOf(config["aws:region"] ?? ""), accountId: hub.accountId, stack };
    return { deployRoleArn: bootstrapRoleArn({ ...at, role: "deploy" }), previewRoleArn: bootstrapRoleArn({ ...at, role: "preview" }) };
}

/**
 * --role wins; --ambient-credentials says so explicitly; otherwise the stack file's hub role, chosen
 * by CLOSED_FTP_CREDENTIALS exactly as the program's hub provider chooses it.
 */
export function hubRoleFor(choice: { role?: string; ambient: boolean }, stackHub: StackHub | undefined, env: NodeJS.ProcessEnv): HubRole {
    if (choice.role) return { roleArn: choice.role, from: "--role" };
    if (choice.ambient) return { from: "--ambient-credentials" };
    const credentials = credentialsFrom(env[CREDENTIALS_ENV]);
    const roleArn = roleToAssume({ key: HUB_KEY, ...stackHub }, credentials);
    const key = credentials === "deploy" ? "deployRoleArn" : "previewRoleArn";
    return roleArn ? { roleArn, from: `closed-ftp:hub.${key}` } : { from: "the stack's hub uses ambient credentials (no closed-ftp:hub.deployRoleArn)" };
}

/** A credential provider that assumes the hub role once, shared by every client, renewed a minute before it expires. */
export function assumedRoleCredentials(roleArn: string, region: string): () => Promise<AwsCredentialIdentity> {
    const assume = fromTemporaryCredentials({ params: { RoleArn: roleArn, RoleSessionName: "closed-ftp-smoke", DurationSeconds: 900 }, clientConfig: { region } });
    let current: Promise<AwsCredentialIdentity> | undefined;
    return async () => {
        const identity = current ? await current.catch(() => undefined) : undefined;
        if (identity && (!identity.expiration || identity.expiration.getTime() - Date.now() > 60_000)) return identity;
        current = assume();
        return current;
    };
}

/** The account the credentials really are in must be the hub's, as the providers' allowedAccountIds demand. */
export async function hubAccountProblem(sts: Pick<STSClient, "send">, hubAccountId: string, role: HubRole): Promise<string | undefined> {
    const identity = await sts.send(new GetCallerIdentityCommand({}));
    if (identity.Account === hubAccountId) return undefined;
    return `the credentials (${role.roleArn ?? "ambient"}, from ${role.from}) are in account ${identity.Account ?? "(unknown)"}, not the hub account ${hubAccountId}: refusing to test another account's server`;
}

export { STSClient };
