import { ResourceValidationPolicy } from "@pulumi/policy";
import { label, list, parseDocument } from "./documents";
import { BUCKET_POLICY } from "./buckets";
import { documentsOf } from "./principals";

export const noWildcardGrants: ResourceValidationPolicy = {
    name: "no-wildcard-grants",
    description: "No IAM grant (identity policies, customer-managed ones included, and bucket policies) of *, <service>:* or any wildcard action, and no Resource \"*\" for S3 or Secrets Manager.",
    enforcementLevel: "mandatory",
    validateResource: (args, reportViolation) => {
        // Identity policies wherever they live, and bucket policies: a key policy's own-account kms:* is AWS's default.
        const documents = documentsOf(args.type, args.props).filter((d) => d.kind === "identity" || args.type === BUCKET_POLICY);
        for (const { document } of documents) {
            const doc = parseDocument(document);
            if (!doc.ok) {
                reportViolation(`policy document ${doc.problem}; it cannot be checked`);
                continue;
            }
            doc.statements.forEach((s, i) => {
                if (s.Effect !== "Allow") return;
                // IAM reads ? as a wildcard too: "s3:?etObject" is a pattern, not a name.
                const wild = list(s.Action).filter((a) => /[*?]/.test(a));
                if (wild.length > 0) reportViolation(`${label(s, i)} grants wildcard action(s) ${wild.join(", ")}; name the actions`);
                const sensitive = list(s.Action).filter((a) => /^(s3|secretsmanager):/i.test(a));
                if (sensitive.length > 0 && list(s.Resource).includes("*")) reportViolation(`${label(s, i)} grants ${sensitive.join(", ")} on Resource "*"; name the bucket or secret ARN`);
            });
        }
    },
};
