import { ResourceValidationPolicy } from "@pulumi/policy";
import { DATA_HOLDING_TYPES } from "../../infra/model";

const HOLDS_DATA: ReadonlySet<string> = new Set(DATA_HOLDING_TYPES);

/**
 * The engine deletes a bucket's dependents before the bucket and only then meets a protected one
 * (pkg/resource/deploy/step_executor.go, deleteProtectedError), so each of them must be protected.
 */
export const dataIsProtected: ResourceValidationPolicy = {
    name: "data-is-protected",
    description: "Every resource that holds or guards users' files (a bucket, its public access block, ownership controls, versioning, encryption, policy and lifecycle, and each KMS key) is protected: no config change or destroy can delete or weaken it.",
    enforcementLevel: "mandatory",
    validateResource: (args, reportViolation) => {
        if (!HOLDS_DATA.has(args.type) || args.opts.protect) return;
        reportViolation(`${args.type.split(":").pop()} ${args.name} is not protected: removing, renaming, moving or re-encrypting its bucket, or pulumi destroy, would delete it. closed-ftp protects it unless closed-ftp:buckets[].removalPolicy is retain or destroy, which a person sets for one deliberate pulumi up outside this pipeline (README, "Retire, move, rename or delete a bucket")`);
    },
};
