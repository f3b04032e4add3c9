// Who may act: the principals of every policy the stack carries, inline or as a resource of its own,
// the managed policies its roles take, and who may invoke or reach the identity provider.
import { PolicyResource, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { al2023RepositoryBucket, ALLOWED_AWS_MANAGED_POLICIES, PASSED_ROLE_SERVICES } from "../../infra/model";
import { label, list, parseDocument, refersTo, Statement } from "./documents";
import { TRANSFER_SERVER } from "./transfer";

/** How a document is read: a trust policy and a resource policy name principals; an identity policy does not. */
export type DocumentKind = "trust" | "resource" | "identity";

/**
 * Every policy-bearing resource type of the AWS provider for the services this stack uses (IAM, S3,
 * KMS, Secrets Manager, Lambda, VPC endpoints, CloudWatch Logs) and for SNS, which alarms use, with
 * where its documents are: a property holding JSON (a string or an object).
 */
export const POLICY_DOCUMENTS: Record<string, (props: Record<string, unknown>) => { kind: DocumentKind; property: string; document: unknown }[]> = {
    "aws:iam/role:Role": (p) => [
        { kind: "trust", property: "assumeRolePolicy", document: p.assumeRolePolicy },
        ...(Array.isArray(p.inlinePolicies) ? p.inlinePolicies : []).map((i: { policy?: unknown }, n: number) => ({ kind: "identity" as const, property: `inlinePolicies[${n}]`, document: i.policy })),
    ],
    "aws:iam/rolePolicy:RolePolicy": (p) => [{ kind: "identity", property: "policy", document: p.policy }],
    "aws:iam/policy:Policy": (p) => [{ kind: "identity", property: "policy", document: p.policy }],
    "aws:iam/userPolicy:UserPolicy": (p) => [{ kind: "identity", property: "policy", document: p.policy }],
    "aws:iam/groupPolicy:GroupPolicy": (p) => [{ kind: "identity", property: "policy", document: p.policy }],
    "aws:s3/bucketPolicy:BucketPolicy": (p) => [{ kind: "resource", property: "policy", document: p.policy }],
    "aws:s3/bucket:Bucket": (p) => [{ kind: "resource", property: "policy", document: p.policy }],
    "aws:s3/accessPoint:AccessPoint": (p) => [{ kind: "resource", property: "policy", document: p.policy }],
    "aws:s3control/accessPointPolicy:AccessPointPolicy": (p) => [{ kind: "resource", property: "policy", document: p.policy }],
    "aws:kms/key:Key": (p) => [{ kind: "resource", property: "policy", document: p.policy }],
    "aws:kms/keyPolicy:KeyPolicy": (p) => [{ kind: "resource", property: "policy", document: p.policy }],
    "aws:kms/replicaKey:ReplicaKey": (p) => [{ kind: "resource", property: "policy", document: p.policy }],
    "aws:secretsmanager/secret:Secret": (p) => [{ kind: "resource", property: "policy", document: p.policy }],
    "aws:secretsmanager/secretPolicy:SecretPolicy": (p) => [{ kind: "resource", property: "policy", document: p.policy }],
    "aws:ec2/vpcEndpoint:VpcEndpoint": (p) => [{ kind: "resource", property: "policy", document: p.policy }],
    "aws:ec2/vpcEndpointPolicy:VpcEndpointPolicy": (p) => [{ kind: "resource", property: "policy", document: p.policy }],
    "aws:cloudwatch/logResourcePolicy:LogResourcePolicy": (p) => [{ kind: "resource", property: "policyDocument", document: p.policyDocument }],
    "aws:sns/topic:Topic": (p) => [{ kind: "resource", property: "policy", document: p.policy }],
    "aws:sns/topicPolicy:TopicPolicy": (p) => [{ kind: "resource", property: "policy", document: p.policy }],
    "aws:lambda/resourcePolicy:ResourcePolicy": (p) => [{ kind: "resource", property: "policy", document: p.policy }],
    "aws:kms/externalKey:ExternalKey": (p) => [{ kind: "resource", property: "policy", document: p.policy }],
    "aws:kms/replicaExternalKey:ReplicaExternalKey": (p) => [{ kind: "resource", property: "policy", document: p.policy }],
    "aws:s3/bucketV2:BucketV2": (p) => [{ kind: "resource", property: "policy", document: p.policy }],
    "aws:s3control/bucketPolicy:BucketPolicy": (p) => [{ kind: "resource", property: "policy", document: p.policy }],
    "aws:s3control/objectLambdaAccessPointPolicy:ObjectLambdaAccessPointPolicy": (p) => [{ kind: "resource", property: "policy", document: p.policy }],
    "aws:cloudwatch/logDestinationPolicy:LogDestinationPolicy": (p) => [{ kind: "resource", property: "accessPolicy", document: p.accessPolicy }],
    "aws:cloudwatch/eventBusPolicy:EventBusPolicy": (p) => [{ kind: "resource", property: "policy", document: p.policy }],
};

/**
 * Resources that name a principal in a property of their own rather than in a document: a KMS grant's
 * grantee (and retiree), an EventBridge permission, a RAM share's principal. Each is read as an Allow
 * of that principal with no condition.
 */
export const PRINCIPAL_PROPERTIES: Record<string, string[]> = {
    "aws:kms/grant:Grant": ["granteePrincipal", "retiringPrincipal"],
    "aws:cloudwatch/eventPermission:EventPermission": ["principal"],
    "aws:ram/principalAssociation:PrincipalAssociation": ["principal"],
};

/** The documents a resource carries that are set (a missing optional policy is no policy). */
export function documentsOf(type: string, props: Record<string, unknown>): { kind: DocumentKind; property: string; document: unknown }[] {
    return (POLICY_DOCUMENTS[type]?.(props) ?? []).filter((d) => d.document !== undefined && d.document !== null && d.document !== "");
}

interface Principal { kind: "any" | "aws" | "service" | "federated" | "canonical"; value: string }

function principalsOf(principal: unknown): Principal[] {
    if (principal === "*") return [{ kind: "any", value: "*" }];
    if (typeof principal !== "object" || principal === null) return [];
    const p = principal as Record<string, unknown>;
    return [
        ...list(p.AWS).map((value): Principal => ({ kind: value === "*" ? "any" : "aws", value })),
        ...list(p.Service).map((value): Principal => ({ kind: "service", value })),
        ...list(p.Federated).map((value): Principal => ({ kind: "federated", value })),
        ...list(p.CanonicalUser).map((value): Principal => ({ kind: "canonical", value })),
    ];
}

/** The account of an AWS principal (an account id, a root, role, user or session ARN), if it names one. */
export function accountOfPrincipal(value: string): string | undefined {
    if (/^\d{12}$/.test(value)) return value;
    return /^arn:[\w-]+:(iam|sts)::(\d{12}):/.exec(value)?.[2];
}

const isRoot = (value: string) => /^\d{12}$/.test(value) || /^arn:[\w-]+:iam::\d{12}:root$/.test(value);

/** Operators that narrow to the listed values; `Null`, `…NotEquals`, `…NotLike` and `…IfExists` widen instead. */
const NARROWING = /^(ForAnyValue:|ForAllValues:)?(StringEquals|StringEqualsIgnoreCase|StringLike|ArnEquals|ArnLike)$/;

/** The values a statement's condition gives `key` under a narrowing operator; undefined when none narrows it. */
function narrowedValues(s: Statement, key: string): string[] | undefined {
    let values: string[] | undefined;
    for (const [operator, block] of Object.entries(s.Condition ?? {})) {
        if (!NARROWING.test(operator)) continue;
        for (const [k, v] of Object.entries(block ?? {})) if (k.toLowerCase() === key.toLowerCase()) values = [...(values ?? []), ...list(v)];
    }
    return values;
}

/** A value that matches anything (`*`, `?*`, `*:*`) pins nothing. */
const wildOnly = (v: string) => /^[*?:]*$/.test(v) || v.startsWith("*");
/** An ARN pattern whose account field is one account of the estate, not a wildcard. */
const arnInEstate = (v: string, estate: Set<string>) => estate.has(v.split(":")[4] ?? "");

/**
 * Whether a condition narrows a broad principal to known callers: a principal's own id or ARN, the
 * organisation or an account of the estate, or a source in the estate with its account.
 */
export function pinned(s: Statement, estate: Set<string>): boolean {
    const some = (key: string, ok: (v: string) => boolean) => {
        const values = narrowedValues(s, key);
        return values !== undefined && values.length > 0 && values.every(ok);
    };
    return some("aws:userId", (v) => !wildOnly(v))
        || some("aws:PrincipalArn", (v) => !wildOnly(v) && arnInEstate(v, estate))
        || some("aws:PrincipalOrgID", (v) => /^o-[a-z0-9]{10,32}$/.test(v))
        || some("aws:PrincipalAccount", (v) => estate.has(v))
        || sourcePinned(s, estate);
}

/** aws:SourceAccount in the estate and aws:SourceArn in the estate, together. */
function sourcePinned(s: Statement, estate: Set<string>): boolean {
    const accounts = narrowedValues(s, "aws:SourceAccount");
    const arns = narrowedValues(s, "aws:SourceArn");
    return !!accounts?.length && accounts.every((v) => estate.has(v)) && !!arns?.length && arns.every((v) => arnInEstate(v, estate));
}

/** A service acts for an account of the estate only: aws:SourceAccount or aws:SourceArn in the estate. */
function serviceGuarded(s: Statement, estate: Set<string>): boolean {
    const accounts = narrowedValues(s, "aws:SourceAccount");
    const arns = narrowedValues(s, "aws:SourceArn");
    if (!accounts?.length && !arns?.length) return false;
    return (accounts ?? []).every((v) => estate.has(v)) && (arns ?? []).every((v) => arnInEstate(v, estate));
}

/** A provider's `allowedAccountIds`, as the engine hands it over (a JSON string) or as a list. */
function accountsOf(ids: unknown): string[] {
    return list(typeof ids === "string" && ids.startsWith("[") ? JSON.parse(ids) : ids);
}

/** The accounts of the estate: each AWS provider's `allowedAccountIds`. */
export function estateAccounts(resources: { type: string; props: Record<string, unknown> }[]): Set<string> {
    return new Set(resources.filter((x) => x.type === "pulumi:providers:aws").flatMap((r) => accountsOf(r.props.allowedAccountIds)));
}

function ownAccount(resource: PolicyResource): string | undefined {
    return accountsOf(resource.provider?.props.allowedAccountIds)[0];
}


/**
 * The two grants no condition can pin, each held to its narrowest form: a role EC2 assumes for an
 * instance profile (PASSED_ROLE_SERVICES: EC2 sets no aws:SourceAccount, and iam:PassRole cannot
 * cross accounts), and a gateway endpoint's anonymous read of AL2023's package repository.
 */
function unpinnableGrant(s: Statement, where: { type?: string; property?: string; props?: Record<string, unknown> }, principal: { kind: string; value: string }): boolean {
    const actions = list(s.Action);
    if (principal.kind === "service" && where.type === "aws:iam/role:Role" && where.property === "assumeRolePolicy") {
        return (PASSED_ROLE_SERVICES as readonly string[]).includes(principal.value) && actions.length === 1 && actions[0] === "sts:AssumeRole";
    }
    if (principal.kind === "any" && where.type === "aws:ec2/vpcEndpoint:VpcEndpoint") {
        // A gateway endpoint for S3 in region R, and AL2023's own bucket of R: not one that merely looks like it.
        const service = /^com\.amazonaws\.([a-z0-9-]+)\.s3$/.exec(String(where.props?.serviceName ?? ""));
        if (!service || where.props?.vpcEndpointType !== "Gateway") return false;
        const objects = `:s3:::${al2023RepositoryBucket(service[1])}/*`;
        const resources = list(s.Resource);
        return actions.length > 0 && actions.every((a) => a === "s3:GetObject") && resources.length > 0 && resources.every((r) => /^arn:aws[\w-]*$/.test(r.split(":s3:::")[0]) && r.endsWith(objects) && r.indexOf(":s3:::") === r.length - objects.length);
    }
    return false;
}

/** What is wrong with the principals of one Allow statement of a trust or resource policy. */
export function principalProblems(s: Statement, where: { own?: string; estate: Set<string>; type?: string; property?: string; props?: Record<string, unknown> }): string[] {
    if (s.Effect !== "Allow") return [];
    const problems: string[] = [];
    const pins = "a condition pinning who (aws:userId, aws:PrincipalArn or aws:PrincipalAccount in this estate, aws:PrincipalOrgID, or aws:SourceArn with aws:SourceAccount of this estate; not Null, Not…, IfExists or a bare *)";
    for (const p of principalsOf(s.Principal)) {
        if (unpinnableGrant(s, where, p)) continue;
        if (p.kind === "any" && !pinned(s, where.estate)) problems.push(`admits every AWS principal (*) without ${pins}`);
        if (p.kind === "service" && !serviceGuarded(s, where.estate)) {
            problems.push(`trusts the service ${p.value} without an aws:SourceAccount or aws:SourceArn condition naming an account of this estate (${[...where.estate].join(", ")}): another account's use of the service could act (confused deputy)`);
        }
        if (p.kind === "aws") {
            const account = accountOfPrincipal(p.value);
            if (account === undefined) {
                problems.push(`admits ${p.value}, which names no account: name the principal by its ARN`);
                continue;
            }
            const foreign = !where.estate.has(account);
            const otherRoot = account !== where.own && isRoot(p.value);
            if ((foreign || otherRoot) && !pinned(s, where.estate)) {
                problems.push(`admits ${p.value} (${foreign ? `account ${account}, outside this estate` : `every principal of account ${account}`}) without ${pins}`);
            }
        }
        if (p.kind === "federated") {
            const subjects = narrowedValues(s, `${p.value.split("/").pop()}:sub`) ?? narrowedValues(s, "SAML:sub") ?? [];
            if (subjects.length === 0 || subjects.some(wildOnly)) problems.push(`trusts the identity provider ${p.value} without a condition on the subject (…:sub) naming who, such as repo:<owner>/<repo>:environment:<name>`);
        }
        if (p.kind === "canonical") problems.push(`admits the canonical user ${p.value}: name an IAM principal`);
    }
    return problems;
}

export const principalsArePinned: StackValidationPolicy = {
    name: "principals-are-pinned",
    description: "No trust or resource policy admits *, another account's root, or an account outside the estate without a condition pinning who (aws:userId, aws:PrincipalArn, aws:PrincipalOrgID, aws:PrincipalAccount, or aws:SourceArn with aws:SourceAccount), nor a service without aws:SourceAccount or aws:SourceArn.",
    enforcementLevel: "mandatory",
    validateStack: (args, reportViolation) => {
        const estate = estateAccounts(args.resources);
        // An account's provider pins exactly that account: a second id would widen "this estate" unseen.
        for (const provider of args.resources.filter((r) => r.type === "pulumi:providers:aws")) {
            const ids = accountsOf(provider.props.allowedAccountIds);
            if (ids.length !== 1) reportViolation(`AWS provider ${provider.name} pins ${ids.length === 0 ? "no account" : `${ids.length} accounts (${ids.join(", ")})`}: each account gets its own provider with allowedAccountIds of exactly that account`, provider.urn);
        }
        for (const resource of args.resources) {
            for (const property of PRINCIPAL_PROPERTIES[resource.type] ?? []) {
                const value = resource.props[property];
                if (typeof value !== "string" || value === "") continue;
                const asStatement: Statement = { Effect: "Allow", Principal: value.endsWith(".amazonaws.com") ? { Service: value } : value === "*" ? "*" : { AWS: value } };
                for (const problem of principalProblems(asStatement, { own: ownAccount(resource), estate })) reportViolation(`${property}: ${problem.replace(/^admits/, "names")}`, resource.urn);
            }
            for (const d of documentsOf(resource.type, resource.props).filter((x) => x.kind !== "identity")) {
                const doc = parseDocument(d.document);
                if (!doc.ok) {
                    reportViolation(`${d.property} ${doc.problem}; its principals cannot be checked`, resource.urn);
                    continue;
                }
                doc.statements.forEach((s, i) => {
                    for (const problem of principalProblems(s, { own: ownAccount(resource), estate, type: resource.type, property: d.property, props: resource.props })) reportViolation(`${d.property}: ${label(s, i)} ${problem}`, resource.urn);
                });
            }
        }
    },
};

/** NotAction, NotResource and NotPrincipal grant by exclusion: everything that is not named. */
export const noInvertedGrants: ResourceValidationPolicy = {
    name: "no-inverted-grants",
    description: "No Allow statement uses NotAction, NotResource or NotPrincipal, in any policy of any kind.",
    enforcementLevel: "mandatory",
    validateResource: (args, reportViolation) => {
        for (const d of documentsOf(args.type, args.props)) {
            const doc = parseDocument(d.document);
            if (!doc.ok) continue;
            doc.statements.forEach((s, i) => {
                if (s.Effect !== "Allow") return;
                for (const key of ["NotAction", "NotResource", "NotPrincipal"] as const) {
                    if (s[key] !== undefined) reportViolation(`${d.property}: ${label(s, i)} allows with ${key}, which grants everything it does not name`);
                }
            });
        }
    },
};

const AWS_MANAGED = /^arn:[\w-]+:iam::aws:policy\/(.+)$/;

/** The managed policy ARNs a resource attaches to a role, user or group. */
function attachedPolicyArns(type: string, props: Record<string, unknown>): string[] {
    switch (type) {
        case "aws:iam/rolePolicyAttachment:RolePolicyAttachment":
        case "aws:iam/userPolicyAttachment:UserPolicyAttachment":
        case "aws:iam/groupPolicyAttachment:GroupPolicyAttachment":
        case "aws:iam/policyAttachment:PolicyAttachment":
            return list(props.policyArn);
        case "aws:iam/role:Role":
            return list(props.managedPolicyArns);
        case "aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive":
        case "aws:iam/userPolicyAttachmentsExclusive:UserPolicyAttachmentsExclusive":
        case "aws:iam/groupPolicyAttachmentsExclusive:GroupPolicyAttachmentsExclusive":
            return list(props.policyArns);
        default:
            return [];
    }
}

export const managedPoliciesAllowListed: ResourceValidationPolicy = {
    name: "aws-managed-policies-allow-listed",
    description: `No AWS managed policy is attached but ${ALLOWED_AWS_MANAGED_POLICIES.join(", ")}: the others grant far more than this stack needs (AdministratorAccess, PowerUserAccess, ReadOnlyAccess, ...).`,
    enforcementLevel: "mandatory",
    validateResource: (args, reportViolation) => {
        for (const arn of attachedPolicyArns(args.type, args.props)) {
            const managed = AWS_MANAGED.exec(arn);
            if (managed && !(ALLOWED_AWS_MANAGED_POLICIES as readonly string[]).includes(managed[1])) {
                reportViolation(`attaches the AWS managed policy ${arn}; allowed: ${ALLOWED_AWS_MANAGED_POLICIES.join(", ")}. Write a customer-managed or inline policy that names what is needed`);
            }
        }
    },
};

const FUNCTION = "aws:lambda/function:Function";
const PERMISSION = "aws:lambda/permission:Permission";
const FUNCTION_URL = "aws:lambda/functionUrl:FunctionUrl";
const TRANSFER = "transfer.amazonaws.com";

/** A Lambda function's name from its name, ARN, partial ARN (`<account>:function:<name>`) or qualified ARN. */
function functionName(value: string): string {
    const match = /(?:^|:)function:([^:]+)/.exec(value);
    return match ? match[1] : value;
}

/** A value that names the function `target`: its name, or any ARN of it (partial or qualified). */
function namesFunction(value: unknown, target: PolicyResource): boolean | undefined {
    const ids = [target.props.name, target.props.arn, target.props.id].filter((x): x is string => typeof x === "string");
    if (ids.length === 0) return undefined;
    return typeof value === "string" && ids.some((id) => value === id || functionName(value) === functionName(id));
}

/** A value that is the target's ARN (a Transfer server's, for a permission's sourceArn); undefined while it has none. */
const isArnOf = (value: unknown, target: PolicyResource) => (typeof target.props.arn !== "string" ? undefined : value === target.props.arn);

export const lambdaInvokersPinned: StackValidationPolicy = {
    name: "lambda-invokers-pinned",
    description: "The identity provider has no function URL and may be invoked by Transfer only, for a named server (SourceArn); no function is invocable by *, or by a service without SourceArn or SourceAccount; no function URL is open (NONE).",
    enforcementLevel: "mandatory",
    validateStack: (args, reportViolation) => {
        const estate = estateAccounts(args.resources);
        const functions = args.resources.filter((r) => r.type === FUNCTION);
        const servers = args.resources.filter((r) => r.type === TRANSFER_SERVER);
        const identityProviders = functions.filter((fn) => servers.some((server) =>
            refersTo(server, "function", () => server.props.function, fn, namesFunction)));
        for (const permission of args.resources.filter((r) => r.type === PERMISSION)) {
            // A value a first preview cannot know yet (a server's ARN) is set all the same: its dependency says so.
            const given = (key: string) => {
                try {
                    return permission.props[key] !== undefined;
                } catch {
                    return (permission.propertyDependencies[key] ?? []).length > 0;
                }
            };
            const principal = String(permission.props.principal ?? "");
            const principalAccount = accountOfPrincipal(principal);
            if (principal === "*" && !given("principalOrgId")) reportViolation(`lambda permission ${permission.name} lets every AWS principal (*) invoke the function`, permission.urn);
            else if (principal.endsWith(".amazonaws.com") && !given("sourceArn") && !given("sourceAccount")) {
                reportViolation(`lambda permission ${permission.name} lets ${principal} invoke the function for any account (no sourceArn or sourceAccount)`, permission.urn);
            } else if (/^\d{12}$/.test(principal) || /^arn:[\w-]+:iam::\d{12}:root$/.test(principal)) {
                reportViolation(`lambda permission ${permission.name} lets every principal of account ${principal.replace(/\D+/g, "").slice(-12)} invoke the function`, permission.urn);
            } else if (principalAccount !== undefined && !estate.has(principalAccount)) {
                reportViolation(`lambda permission ${permission.name} lets ${principal}, outside this estate, invoke the function`, permission.urn);
            }
            const idp = identityProviders.find((fn) => refersTo(permission, "function", () => permission.props.function, fn, namesFunction));
            if (!idp) continue;
            if (principal !== TRANSFER) reportViolation(`lambda permission ${permission.name} lets ${principal} invoke the identity provider ${idp.name}; only ${TRANSFER} may`, permission.urn);
            else if (!given("sourceArn")) reportViolation(`lambda permission ${permission.name} lets Transfer invoke the identity provider ${idp.name} for any server: name the server's ARN in sourceArn`, permission.urn);
            else if (!servers.some((server) => refersTo(permission, "sourceArn", () => permission.props.sourceArn, server, isArnOf))) {
                reportViolation(`lambda permission ${permission.name} lets Transfer invoke the identity provider ${idp.name} for a source that is not this stack's Transfer server`, permission.urn);
            }
            if (given("functionUrlAuthType") || permission.props.action === "lambda:InvokeFunctionUrl") reportViolation(`lambda permission ${permission.name} opens the identity provider ${idp.name} to its function URL`, permission.urn);
        }
        for (const url of args.resources.filter((r) => r.type === FUNCTION_URL)) {
            const idp = identityProviders.find((fn) => refersTo(url, "functionName", () => url.props.functionName, fn, namesFunction));
            if (idp) reportViolation(`function URL ${url.name} exposes the identity provider ${idp.name}: a login decision must reach only Transfer`, url.urn);
            else if (url.props.authorizationType === "NONE") reportViolation(`function URL ${url.name} takes unauthenticated calls (authorizationType NONE)`, url.urn);
        }
    },
};
