// Decides one S3 or KMS call of a Transfer session the way AWS would, from the plan's own documents:
// the role's identity policies ∩ the session policy, and the bucket's (or key's) policy — across
// accounts both sides must allow. The evaluator is @cloud-copilot/iam-simulate (AGPL-3.0): a
// devDependency, which only development commands like this one and tests may import.
import { runSimulation } from "@cloud-copilot/iam-simulate";
import { PolicyDocument, RoleModel } from "./model";

/** A role session as Transfer holds it after the IdP's answer. */
export interface Session {
    role: RoleModel;
    sessionName: string;
    /** The IdP's Policy (a JSON string), or undefined when it returned none. */
    sessionPolicy?: string;
}

export interface Call {
    action: string;
    /** The ARN the call is on: a bucket, an object or a key. */
    resource: string;
    resourceAccount: string;
    /** The bucket policy for S3 calls, the key policy for KMS calls. */
    resourcePolicy?: PolicyDocument;
    /** Keys beyond the session's own (s3:prefix for a listing, kms:ViaService for a KMS call). */
    context?: Record<string, string>;
}

export type Refuser = "identity policy" | "session policy" | "bucket policy" | "key policy";

export type Verdict =
    | { allowed: true }
    | { allowed: false; refusedBy: Refuser; explicit: boolean; statement?: string };

/** The principal of a session: arn:aws:sts::<account>:assumed-role/<role name>/<session name>. */
export function sessionArn(session: Session): string {
    const partition = session.role.arn.split(":")[1];
    return `arn:${partition}:sts::${session.role.accountId}:assumed-role/${session.role.name}/${session.sessionName}`;
}

/** What every call of a Transfer session carries: TLS to S3, and the RoleId-qualified user id. */
export function sessionContext(session: Session): Record<string, string> {
    return { "aws:SecureTransport": "true", "aws:userId": `${session.role.uniqueId}:${session.sessionName}` };
}

// The evaluator hands statements back as objects of @cloud-copilot/iam-policy, whose Sid is a method.
interface StatementResult { statement: { sid(): string | undefined } }
interface PolicyAnalysis { result: string; denyStatements?: StatementResult[] }

export class EvaluationError extends Error {}

export async function authorize(session: Session, call: Call): Promise<Verdict> {
    const resourceDocument: Refuser = call.action.startsWith("kms:") ? "key policy" : "bucket policy";
    const result = await runSimulation({
        request: {
            principal: sessionArn(session),
            action: call.action,
            resource: { resource: call.resource, accountId: call.resourceAccount },
            contextVariables: { ...sessionContext(session), ...call.context },
        },
        identityPolicies: session.role.identityPolicies.map(({ name, policy }) => ({ name, policy })),
        sessionPolicy: session.sessionPolicy === undefined ? undefined : JSON.parse(session.sessionPolicy),
        serviceControlPolicies: [],
        resourceControlPolicies: [],
        resourcePolicy: call.resourcePolicy,
    }, {});
    // A document the evaluator cannot read is a bug in the plan or here, never a quiet refusal.
    if (result.resultType === "error") throw new EvaluationError(`${call.action} on ${call.resource}: the IAM evaluator refused the documents: ${JSON.stringify(result.errors)}`);
    if (result.overallResult === "Allowed") return { allowed: true };
    const analysis = (result.resultType === "single" ? result.result : result.results[0])?.analysis as unknown as {
        identityAnalysis?: PolicyAnalysis; sessionAnalysis?: PolicyAnalysis; resourceAnalysis?: PolicyAnalysis;
    } | undefined;
    const documents: [Refuser, PolicyAnalysis | undefined][] = [
        ["identity policy", analysis?.identityAnalysis], ["session policy", analysis?.sessionAnalysis], [resourceDocument, analysis?.resourceAnalysis],
    ];
    // An explicit Deny names its statement; otherwise the first document that did not allow is the one that refused.
    const denying = documents.find(([, a]) => a?.result === "ExplicitlyDenied");
    if (denying) return { allowed: false, refusedBy: denying[0], explicit: true, statement: denying[1]?.denyStatements?.[0]?.statement.sid() };
    const notAllowing = documents.find(([, a]) => a !== undefined && !["Allowed", "AllowedForAccount", "NotApplicable"].includes(a.result));
    return { allowed: false, refusedBy: notAllowing?.[0] ?? resourceDocument, explicit: false };
}
