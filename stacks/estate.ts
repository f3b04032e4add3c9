// The stack model with every name settled: each account's deploy and preview role (the bootstrap's,
// when closed-ftp:bootstrap is set), the hub's permissions boundary and each bucket's S3 name. The
// program and the bootstrap both read it, so the roles the bootstrap creates are the roles the
// program assumes, and the names each deploy role is scoped to are the names the program gives.
import { HUB_KEY, partitionOf, s3BucketNameProblem } from "../infra/model";
import { bootstrapRoleArn, derivedBucketName, MAX_BUCKET_NAME_LENGTH, permissionsBoundaryArn, stackNameProblem } from "../infra/naming";
import { AccountModel, BucketModel, ConfigIssue, ConfigValidationError, NAMESPACE, StackModel } from "./config";

export interface EstateAccount extends AccountModel {
    /** Where the account's config lives: closed-ftp:hub or closed-ftp:accounts.<key>. */
    path: string;
}

export interface EstateBucket extends BucketModel {
    /** The S3 name: bucketName, or the name derived from the bucket's first name. */
    physicalName: string;
}

export interface Estate {
    stack: string;
    partition: string;
    /** The hub first, then the spokes by key. */
    accounts: EstateAccount[];
    buckets: EstateBucket[];
    /** The boundary every role the program creates carries: set when the bootstrap made the roles. */
    permissionsBoundaryArn?: string;
}

export function accountPath(key: string): string {
    return key === HUB_KEY ? `${NAMESPACE}:hub` : `${NAMESPACE}:accounts.${key}`;
}

/** Settles every name, or throws every problem at once (a role the bootstrap did not create, a name S3 refuses). */
export function resolveEstate(model: StackModel, stack: string): Estate {
    const issues: ConfigIssue[] = [];
    const stackProblem = stackNameProblem(stack);
    if (stackProblem) throw new ConfigValidationError([{ path: "stack", message: stackProblem }]);
    const partition = partitionOf(model.region);
    const accounts = [model.hub, ...model.spokes].map((account): EstateAccount => {
        const path = accountPath(account.key);
        if (!model.bootstrap) return { ...account, path };
        const roles = { deployRoleArn: "deploy", previewRoleArn: "preview" } as const;
        for (const [field, role] of Object.entries(roles) as [keyof typeof roles, "deploy" | "preview"][]) {
            const expected = bootstrapRoleArn({ partition, accountId: account.accountId, stack, role });
            const given = account[field];
            if (given !== undefined && given !== expected) {
                issues.push({ path: `${path}.${field}`, message: `is ${given}, but the bootstrap (${NAMESPACE}:bootstrap) creates ${expected} in this account: leave ${field} out` });
            }
        }
        return {
            ...account, path,
            deployRoleArn: bootstrapRoleArn({ partition, accountId: account.accountId, stack, role: "deploy" }),
            previewRoleArn: bootstrapRoleArn({ partition, accountId: account.accountId, stack, role: "preview" }),
        };
    });
    const accountIds = new Map(accounts.map((a) => [a.key, a.accountId]));
    const buckets = model.buckets.map((bucket, i): EstateBucket => {
        if (bucket.bucketName !== undefined) return { ...bucket, physicalName: bucket.bucketName };
        const firstName = bucket.formerNames[0] ?? bucket.name;
        const physicalName = derivedBucketName({ partition, accountId: accountIds.get(bucket.account) as string, region: model.region, stack, firstName });
        const problem = physicalName.length > MAX_BUCKET_NAME_LENGTH
            ? `would be ${physicalName.length} characters, and S3 takes at most ${MAX_BUCKET_NAME_LENGTH}: shorten the bucket's or the stack's name, or set bucketName`
            : s3BucketNameProblem(physicalName);
        if (problem) issues.push({ path: `${NAMESPACE}:buckets[${i}].${bucket.formerNames.length > 0 ? "formerNames[0]" : "name"}`, message: `its S3 name ${physicalName} ${problem}` });
        return { ...bucket, physicalName };
    });
    if (issues.length > 0) throw new ConfigValidationError(issues);
    return {
        stack, partition, accounts, buckets,
        ...(model.bootstrap ? { permissionsBoundaryArn: permissionsBoundaryArn({ partition, accountId: model.hub.accountId, stack }) } : {}),
    };
}
