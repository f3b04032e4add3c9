import { PolicyResource, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { awsPrincipals, hasConditionKey, label, list, parseDocument } from "./documents";

const BUCKET = "aws:s3/bucket:Bucket";
const PUBLIC_ACCESS_BLOCK = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock";
const OWNERSHIP = "aws:s3/bucketOwnershipControls:BucketOwnershipControls";
export const BUCKET_POLICY = "aws:s3/bucketPolicy:BucketPolicy";

/**
 * The sub-resources (public access block, policy, ...) whose `bucket` is this bucket: by dependency
 * first, which a first preview knows, and only then by name, which it may not.
 */
function settingsOf(resources: PolicyResource[], bucket: PolicyResource, type: string): PolicyResource[] {
    return resources.filter((r) => {
        if (r.type !== type) return false;
        const from = r.propertyDependencies.bucket ?? [];
        if (from.length > 0) return from.some((d) => d.urn === bucket.urn);
        return [bucket.props.bucket, bucket.props.id].filter((v) => v !== undefined).includes(r.props.bucket);
    });
}

function deniesInsecureTransport(policy: unknown): boolean {
    const doc = parseDocument(policy);
    if (!doc.ok) return false;
    return doc.statements.some((s) => s.Effect === "Deny"
        && Object.entries(s.Condition ?? {}).some(([op, block]) => /^Bool(IfExists)?$/.test(op) && String((block as Record<string, unknown>)["aws:SecureTransport"]) === "false")
        && list(s.Action).some((a) => a === "s3:*" || a === "*")
        && list(s.Resource).some((r) => r.endsWith("/*")) && list(s.Resource).some((r) => !r.includes("/")));
}

export const bucketGuardrails: StackValidationPolicy = {
    name: "bucket-closed-and-owned",
    description: "Buckets block all public access, are BucketOwnerEnforced and deny requests without TLS.",
    enforcementLevel: "mandatory",
    validateStack: (args, reportViolation) => {
        for (const bucket of args.resources.filter((r) => r.type === BUCKET)) {
            const pab = settingsOf(args.resources, bucket, PUBLIC_ACCESS_BLOCK);
            const flags = ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"];
            if (!pab.some((p) => flags.every((f) => p.props[f] === true))) reportViolation(`bucket ${bucket.name} lacks a public access block with all of ${flags.join(", ")}`, bucket.urn);
            if (!settingsOf(args.resources, bucket, OWNERSHIP).some((o) => o.props.rule?.objectOwnership === "BucketOwnerEnforced")) {
                reportViolation(`bucket ${bucket.name} is not BucketOwnerEnforced: objects another account writes would not belong to the bucket's owner`, bucket.urn);
            }
            if (!settingsOf(args.resources, bucket, BUCKET_POLICY).some((p) => deniesInsecureTransport(p.props.policy))) {
                reportViolation(`bucket ${bucket.name} has no policy denying requests without TLS (Deny s3:* on the bucket and its objects when aws:SecureTransport is false)`, bucket.urn);
            }
        }
    },
};

const ROOT = /^(arn:[\w-]+:iam::)?(\d{12})(:root)?$/;

export const crossAccountGrantIsConditioned: ResourceValidationPolicy = {
    name: "cross-account-grant-names-the-role",
    description: "A bucket policy granting an account's root carries an aws:userId or aws:PrincipalArn condition naming the role.",
    enforcementLevel: "mandatory",
    validateResource: (args, reportViolation) => {
        if (args.type !== BUCKET_POLICY) return;
        const doc = parseDocument(args.props.policy);
        if (!doc.ok) return;
        doc.statements.forEach((s, i) => {
            if (s.Effect !== "Allow") return;
            const roots = awsPrincipals(s.Principal).filter((p) => ROOT.test(p) && (p.endsWith(":root") || /^\d{12}$/.test(p)));
            if (roots.length > 0 && !hasConditionKey(s, "aws:userId") && !hasConditionKey(s, "aws:PrincipalArn")) {
                reportViolation(`${label(s, i)} grants ${roots.join(", ")} without an aws:userId or aws:PrincipalArn condition: every role of that account would get in`);
            }
        });
    },
};
