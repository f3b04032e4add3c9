// Who may act: the principals of every policy the stack carries, inline or as a resource of its own,
// the managed policies its roles take, and who may invoke or reach the identity provider.
import { PolicyResource, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { ALLOWED_AWS_MANAGED_POLICIES } from "../../infra/model";
import { hasConditionKey, label, list, parseDocument, Statement } from "./documents";
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

/** A condition that narrows a broad principal to known callers. */
function pinned(s: Statement): boolean {
    return hasConditionKey(s, "aws:userId") || hasConditionKey(s, "aws:PrincipalArn") || hasConditionKey(s, "aws:PrincipalOrgID") || hasConditionKey(s, "aws:PrincipalAccount")
        || (hasConditionKey(s, "aws:SourceArn") && hasConditionKey(s, "aws:SourceAccount"));
}

/** The accounts of the estate: each AWS provider's `allowedAccountIds`. */
export function estateAccounts(resources: { type: string; props: Record<string, unknown> }[]): Set<string> {
    const accounts = new Set<string>();
    for (const r of resources.filter((x) => x.type === "pulumi:providers:aws")) {
        const ids = r.props.allowedAccountIds;
        const parsed = typeof ids === "string" && ids.startsWith("[") ? JSON.parse(ids) : ids;
        for (const id of list(parsed)) accounts.add(id);
    }
    return accounts;
}

function ownAccount(resource: PolicyResource): string | undefined {
    const ids = resource.provider?.props.allowedAccountIds;
    const parsed = typeof ids === "string" && ids.startsWith("[") ? JSON.parse(ids) : ids;
    return list(parsed)[0];
}

/** What is wrong with the principals of one Allow statement of a trust or resource policy. */
export function principalProblems(s: Statement, where: { own?: string; estate: Set<string> }): string[] {
    if (s.Effect !== "Allow") return [];
    const problems: string[] = [];
    for (const p of principalsOf(s.Principal)) {
        if (p.kind === "any" && !pinned(s)) problems.push("admits every AWS principal (*) without an aws:userId, aws:PrincipalArn, aws:PrincipalOrgID, or aws:SourceArn and aws:SourceAccount condition");
        if (p.kind === "service" && !hasConditionKey(s, "aws:SourceAccount") && !hasConditionKey(s, "aws:SourceArn")) {
            problems.push(`trusts the service ${p.value} without an aws:SourceAccount or aws:SourceArn condition: any account's use of the service could act (confused deputy)`);
        }
        if (p.kind === "aws") {
            const account = accountOfPrincipal(p.value);
            const foreign = account !== undefined && !where.estate.has(account);
            const otherRoot = account !== undefined && account !== where.own && isRoot(p.value);
            if ((foreign || otherRoot) && !pinned(s)) {
                problems.push(`admits ${p.value} (${foreign ? `account ${account}, outside this estate` : `every principal of account ${account}`}) without an aws:userId, aws:PrincipalArn or aws:PrincipalOrgID condition naming who`);
            }
            if (account === undefined && !/^AROA|^AIDA/.test(p.value)) problems.push(`admits ${p.value}, which names no account`);
        }
        if (p.kind === "federated" && !Object.keys(s.Condition ?? {}).length) problems.push(`trusts the identity provider ${p.value} without a condition on who (sub, aud)`);
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
        for (const resource of args.resources) {
            for (const d of documentsOf(resource.type, resource.props).filter((x) => x.kind !== "identity")) {
                const doc = parseDocument(d.document);
                if (!doc.ok) {
                    reportViolation(`${d.property} ${doc.problem}; its principals cannot be checked`, resource.urn);
                    continue;
                }
                doc.statements.forEach((s, i) => {
                    for (const problem of principalProblems(s, { own: ownAccount(resource), estate })) reportViolation(`${d.property}: ${label(s, i)} ${problem}`, resource.urn);
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

/** Whether `resource`'s `property` names `fn`: by dependency (known in a first preview), else by name or ARN. */
function names(resource: PolicyResource, property: string, value: () => unknown, fn: PolicyResource): boolean {
    const from = resource.propertyDependencies[property] ?? [];
    if (from.length > 0) return from.some((d) => d.urn === fn.urn);
    const v = value();
    const ids = [fn.props.name, fn.props.arn, fn.props.id, fn.props.qualifiedArn].filter((x) => typeof x === "string");
    return typeof v === "string" && ids.some((id) => v === id || v.startsWith(`${id}:`));
}

export const lambdaInvokersPinned: StackValidationPolicy = {
    name: "lambda-invokers-pinned",
    description: "The identity provider has no function URL and may be invoked by Transfer only, for a named server (SourceArn); no function is invocable by *, or by a service without SourceArn or SourceAccount; no function URL is open (NONE).",
    enforcementLevel: "mandatory",
    validateStack: (args, reportViolation) => {
        const functions = args.resources.filter((r) => r.type === FUNCTION);
        const servers = args.resources.filter((r) => r.type === TRANSFER_SERVER);
        const identityProviders = functions.filter((fn) => servers.some((server) =>
            names(server, "function", () => server.props.function, fn)));
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
            if (principal === "*" && !given("principalOrgId")) reportViolation(`lambda permission ${permission.name} lets every AWS principal (*) invoke the function`, permission.urn);
            else if (principal.endsWith(".amazonaws.com") && !given("sourceArn") && !given("sourceAccount")) {
                reportViolation(`lambda permission ${permission.name} lets ${principal} invoke the function for any account (no sourceArn or sourceAccount)`, permission.urn);
            } else if (/^\d{12}$/.test(principal) || /^arn:[\w-]+:iam::\d{12}:root$/.test(principal)) {
                reportViolation(`lambda permission ${permission.name} lets every principal of account ${principal.replace(/\D+/g, "").slice(-12)} invoke the function`, permission.urn);
            }
            const idp = identityProviders.find((fn) => names(permission, "function", () => permission.props.function, fn));
            if (!idp) continue;
            if (principal !== TRANSFER) reportViolation(`lambda permission ${permission.name} lets ${principal} invoke the identity provider ${idp.name}; only ${TRANSFER} may`, permission.urn);
            else if (!given("sourceArn")) reportViolation(`lambda permission ${permission.name} lets Transfer invoke the identity provider ${idp.name} for any server: name the server's ARN in sourceArn`, permission.urn);
            else if (!servers.some((server) => names(permission, "sourceArn", () => permission.props.sourceArn, server))) {
                reportViolation(`lambda permission ${permission.name} lets Transfer invoke the identity provider ${idp.name} for a source that is not this stack's Transfer server`, permission.urn);
            }
            if (given("functionUrlAuthType") || permission.props.action === "lambda:InvokeFunctionUrl") reportViolation(`lambda permission ${permission.name} opens the identity provider ${idp.name} to its function URL`, permission.urn);
        }
        for (const url of args.resources.filter((r) => r.type === FUNCTION_URL)) {
            const idp = identityProviders.find((fn) => names(url, "functionName", () => url.props.functionName, fn));
            if (idp) reportViolation(`function URL ${url.name} exposes the identity provider ${idp.name}: a login decision must reach only Transfer`, url.urn);
            else if (url.props.authorizationType === "NONE") reportViolation(`function URL ${url.name} takes unauthenticated calls (authorizationType NONE)`, url.urn);
        }
    },
};
