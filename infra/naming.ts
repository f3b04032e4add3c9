// The names the program and the bootstrap give what they create, written once: the bootstrap scopes
// each deploy role to exactly these names, paths and tags, so a name that drifts here and not there
// is a deploy that fails, and the IAM evaluation tests catch it first. Pure: no Pulumi.
import { createHash } from "crypto";

/**
 * Stack names as AWS names take them: S3 bucket names are lowercase, Lambda names take no dots, and
 * a role name holds 64 characters. 20 leaves room for every name below.
 */
export const STACK_NAME = /^[a-z][a-z0-9-]{0,18}[a-z0-9]$|^[a-z]$/;

/** Why a stack name cannot name AWS resources, or undefined. */
export function stackNameProblem(stack: string): string | undefined {
    if (STACK_NAME.test(stack) && !stack.includes("--")) return undefined;
    return `stack "${stack}" names buckets, roles and functions: use 1 to 20 lowercase letters, digits and single dashes, starting with a letter and not ending with a dash`;
}

/** The tags every resource of a stack carries (the providers' default tags): what the deploy roles' conditions match. */
export const PROJECT_TAG = { key: "Project", value: "closed-ftp" } as const;
export const STACK_TAG_KEY = "Stack";

/** The IAM path of every role the program creates: the deploy role may manage roles under it and nowhere else. */
export function rolePath(stack: string): string {
    return `/closed-ftp/${stack}/`;
}

/** The names a component gives what it creates, and the permissions boundary of its roles. */
export interface ComponentNaming {
    stack: string;
    permissionsBoundaryArn?: string;
}

/** A role's name-and-boundary inputs under a naming. */
export function roleNaming(naming: ComponentNaming | undefined): { path?: string; permissionsBoundary?: string } {
    if (!naming) return {};
    return { path: rolePath(naming.stack), ...(naming.permissionsBoundaryArn ? { permissionsBoundary: naming.permissionsBoundaryArn } : {}) };
}

/** The IdP function's name. */
export function idpFunctionName(stack: string): string {
    return `closed-ftp-${stack}-idp`;
}

/** A log group of the stack: /closed-ftp/<stack>/<what>. */
export function logGroupName(stack: string, what: "transfer" | "idp"): string {
    return `/closed-ftp/${stack}/${what}`;
}

/** The prefix of every log group of a stack, for the deploy role's scope. */
export function logGroupPrefix(stack: string): string {
    return `/closed-ftp/${stack}/`;
}

/**
 * The S3 name of a bucket the config leaves unnamed: the stack, the bucket's first name in the
 * config and a hash of where it lives, since bucket names are global and every estate has a
 * "dev" stack with an "inbox". Derived from the first name so that a rename (formerNames) keeps it.
 */
export function derivedBucketName(a: { partition: string; accountId: string; region: string; stack: string; firstName: string }): string {
    const hash = createHash("sha256").update(`${a.partition}/${a.accountId}/${a.region}/${a.stack}/${a.firstName}`).digest("hex").slice(0, 8);
    return `closed-ftp-${a.stack}-${a.firstName}-${hash}`;
}

/** The longest S3 bucket name. */
export const MAX_BUCKET_NAME_LENGTH = 63;

// What the bootstrap creates: under a path of its own, so that no deploy role can touch them.

/** The IAM path of the bootstrap's roles and policies, outside every deploy role's reach. */
export const BOOTSTRAP_PATH = "/closed-ftp-bootstrap/";

export type BootstrapRole = "deploy" | "preview";
/** The GitHub environments of a stack and the CI role each one's jobs assume (in the state account). */
export const CI_ENVIRONMENTS = ["deploy", "preview", "smoke"] as const;
export type CiEnvironment = (typeof CI_ENVIRONMENTS)[number];

export function bootstrapRoleName(stack: string, role: BootstrapRole): string {
    return `closed-ftp-${stack}-${role}`;
}

export function bootstrapRoleArn(a: { partition: string; accountId: string; stack: string; role: BootstrapRole }): string {
    return `arn:${a.partition}:iam::${a.accountId}:role${BOOTSTRAP_PATH}${bootstrapRoleName(a.stack, a.role)}`;
}

export function ciRoleName(stack: string, environment: CiEnvironment): string {
    return `closed-ftp-${stack}-ci-${environment}`;
}

export function ciRoleArn(a: { partition: string; accountId: string; stack: string; environment: CiEnvironment }): string {
    return `arn:${a.partition}:iam::${a.accountId}:role${BOOTSTRAP_PATH}${ciRoleName(a.stack, a.environment)}`;
}

/** The GitHub environment whose jobs assume a CI role: the stack's name, with -preview and -smoke. */
export function githubEnvironment(stack: string, environment: CiEnvironment): string {
    return environment === "deploy" ? stack : `${stack}-${environment}`;
}

/** The permissions boundary every role the program creates must carry (hub account). */
export function permissionsBoundaryName(stack: string): string {
    return `closed-ftp-${stack}-boundary`;
}

export function permissionsBoundaryArn(a: { partition: string; accountId: string; stack: string }): string {
    return `arn:${a.partition}:iam::${a.accountId}:policy${BOOTSTRAP_PATH}${permissionsBoundaryName(a.stack)}`;
}

/** The state bucket: one per stack, in the state account (at most 50 characters). */
export function stateBucketName(a: { accountId: string; stack: string }): string {
    return `closed-ftp-state-${a.stack}-${a.accountId}`;
}

/** The alias of the KMS key of Pulumi's awskms:// secrets provider. */
export function secretsKeyAlias(stack: string): string {
    return `alias/closed-ftp-${stack}-secrets`;
}

/** The `pulumi login` URL of the state bucket. */
export function backendUrl(a: { accountId: string; region: string; stack: string }): string {
    return `s3://${stateBucketName(a)}?region=${a.region}`;
}

/** The `--secrets-provider` value: the key's alias, in its region. */
export function secretsProviderUrl(a: { region: string; stack: string }): string {
    return `awskms://${secretsKeyAlias(a.stack)}?region=${a.region}`;
}

// What the monitoring creates, by name: the deploy role is scoped to these.

/** The SNS topic the stack's alarms publish to, when the config names none. */
export function alarmTopicName(stack: string): string {
    return `closed-ftp-${stack}-alarms`;
}

/** The prefix of every alarm of a stack; an alarm is the prefix and its key (failedLogins, ...). */
export function alarmNamePrefix(stack: string): string {
    return `closed-ftp-${stack}-`;
}

export function alarmName(stack: string, key: string): string {
    return `${alarmNamePrefix(stack)}${key}`;
}

/** The stack's CloudWatch dashboard (names take A-Z a-z 0-9 - _). */
export function dashboardName(stack: string): string {
    return `closed-ftp-${stack}`;
}

/** A metric filter of the stack, on one of its log groups. */
export function metricFilterName(stack: string, key: string): string {
    return `closed-ftp-${stack}-${key}`;
}

/** The test client's role, by a fixed name: the one role the deploy role may pass to EC2. */
export function testClientRoleName(stack: string): string {
    return `closed-ftp-${stack}-test-client`;
}

/** The Name tag of the test client instance (nameTag of "test-client-instance" in project closed-ftp), which the smoke role's SendCommand is held to. */
export function testClientInstanceName(stack: string): string {
    return `${PROJECT_TAG.value}-${stack}-test-client-instance`;
}
