import { ResourceValidationPolicy } from "@pulumi/policy";
import { label, list, parseDocument } from "./documents";
import { BUCKET_POLICY } from "./buckets";

/** Where IAM documents live, by resource type: the property, and whether it is a list of inline policies. */
const DOCUMENTS: Record<string, (props: Record<string, unknown>) => unknown[]> = {
    "aws:iam/policy:Policy": (p) => [p.policy],
    "aws:iam/rolePolicy:RolePolicy": (p) => [p.policy],
    "aws:iam/role:Role": (p) => (Array.isArray(p.inlinePolicies) ? p.inlinePolicies.map((i: { policy?: unknown }) => i.policy) : []),
    [BUCKET_POLICY]: (p) => [p.policy],
};

export const noWildcardGrants: ResourceValidationPolicy = {
    name: "no-wildcard-grants",
    description: "No IAM grant of *, <service>:* or any wildcard action, and no Resource \"*\" for S3 or Secrets Manager.",
    enforcementLevel: "mandatory",
    validateResource: (args, reportViolation) => {
        const documents = DOCUMENTS[args.type];
        if (!documents) return;
        for (const document of documents(args.props).filter((d) => d !== undefined)) {
            const doc = parseDocument(document);
            if (!doc.ok) {
                reportViolation(`policy document ${doc.problem}; it cannot be checked`);
                continue;
            }
            doc.statements.forEach((s, i) => {
                if (s.Effect !== "Allow") return;
                if (s.NotAction !== undefined) reportViolation(`${label(s, i)} grants NotAction, which allows everything else`);
                const wild = list(s.Action).filter((a) => a.includes("*"));
                if (wild.length > 0) reportViolation(`${label(s, i)} grants wildcard action(s) ${wild.join(", ")}; name the actions`);
                const sensitive = list(s.Action).filter((a) => /^(s3|secretsmanager):/i.test(a));
                if (sensitive.length > 0 && list(s.Resource).includes("*")) reportViolation(`${label(s, i)} grants ${sensitive.join(", ")} on Resource "*"; name the bucket or secret ARN`);
            });
        }
    },
};
