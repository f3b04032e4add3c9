// The bootstrap: run once per estate (and again when accounts or buckets change) with administrator
// credentials. One provider per account, as in the main program; in each account the deploy and
// preview roles the main program's providers assume; in the hub the permissions boundary of the
// program's roles, GitHub's OIDC provider and a CI role per GitHub environment; in the state account
// the state bucket and the key of Pulumi's awskms:// secrets provider.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { HUB_KEY } from "../infra/model";
import { previewRolePolicy } from "../infra/policies";
import {
    BOOTSTRAP_PROJECT, ciRolePolicy, DeployScope, deployRolePolicy, githubTrustPolicy, packPolicy, permissionsBoundaryPolicy, roleTrustPolicy, secretsKeyPolicy, stateBucketPolicy,
} from "../infra/bootstrap-policies";
import {
    backendUrl, BOOTSTRAP_PATH, bootstrapRoleName, CI_ENVIRONMENTS, CiEnvironment, ciRoleName, githubEnvironment, permissionsBoundaryName, secretsKeyAlias,
    secretsProviderUrl, STACK_TAG_KEY, stateBucketName,
} from "../infra/naming";
import { ConfigIssue, ConfigValidationError, NAMESPACE, StackModel } from "../stacks/config";
import { Estate, EstateAccount, resolveEstate } from "../stacks/estate";

/** GitHub Actions' OIDC issuer and the audience aws-actions/configure-aws-credentials asks for. */
export const GITHUB_OIDC_URL = "https://token.actions.githubusercontent.com";
export const GITHUB_OIDC_AUDIENCE = "sts.amazonaws.com";

/** What the bootstrap deployed: what the main project, its workflows and a person need next. */
export interface BootstrapOutputs {
    accounts: pulumi.Input<Record<string, { accountId: string; deployRoleArn: pulumi.Input<string>; previewRoleArn: pulumi.Input<string> }>>;
    /** `pulumi login <backendUrl>` */
    backendUrl: string;
    /** `pulumi stack init <stack> --secrets-provider <secretsProvider>` */
    secretsProvider: string;
    stateBucketName: pulumi.Input<string>;
    secretsKeyArn: pulumi.Input<string>;
    permissionsBoundaryArn: pulumi.Input<string>;
    /** Per GitHub environment, the variables its jobs read (empty without closed-ftp:bootstrap.github). */
    githubEnvironments: pulumi.Input<Record<string, Record<string, pulumi.Input<string>>>>;
}

/** What each account's deploy role is scoped to: its buckets, and in the hub the network, the roles' boundary and the rest. */
export function deployScopes(model: StackModel, estate: Estate): Map<string, DeployScope> {
    return new Map(estate.accounts.map((account) => [account.key, {
        partition: estate.partition, region: model.region, accountId: account.accountId, stack: estate.stack, hub: account.key === HUB_KEY,
        buckets: estate.buckets.filter((b) => b.account === account.key).map((b) => ({ name: b.physicalName, removalPolicy: b.removalPolicy, kms: b.encryption === "kms" })),
        ...(account.key === HUB_KEY ? {
            network: model.network.kind === "existing" ? { vpcId: model.network.vpcId, subnetIds: model.network.subnetIds } : "new" as const,
            permissionsBoundaryArn: estate.permissionsBoundaryArn,
            monitoring: { ...(model.alarms.topicArn ? { topicArn: model.alarms.topicArn } : {}), dashboard: model.dashboard },
            ...(model.dns && model.server.certificateArn && model.server.protocols.includes("FTPS") ? { certificateArn: model.server.certificateArn } : {}),
            ...(model.testClient ? { testClient: { hubRouteTableIds: model.testClient.hubRouteTableIds ?? [] } } : {}),
        } : {}),
        ...(model.dns && model.dns.account === account.key ? { dns: { zoneId: model.dns.zoneId, recordName: model.dns.recordName } } : {}),
    }]));
}

/** Every problem of the config as the bootstrap reads it, at once. */
function bootstrapIssues(model: StackModel): ConfigIssue[] {
    const issues: ConfigIssue[] = [];
    if (!model.bootstrap) {
        issues.push({ path: `${NAMESPACE}:bootstrap`, message: "is required to bootstrap: name who may assume the roles (github.repository and/or administratorRoleArns), as in README \"First deployment\"" });
        return issues;
    }
    if (model.spokes.length > 0 && !model.bootstrap.accountAccessRoleName) {
        issues.push({ path: `${NAMESPACE}:bootstrap.accountAccessRoleName`, message: `is required with spoke accounts (${model.spokes.map((s) => s.key).join(", ")}): the role the bootstrap assumes in each account to create its roles, such as OrganizationAccountAccessRole` });
    }
    return issues;
}

export async function deployBootstrap(model: StackModel, stack: string): Promise<BootstrapOutputs> {
    const issues = bootstrapIssues(model);
    let estate: Estate | undefined;
    try {
        estate = resolveEstate(model, stack);
    } catch (err) {
        if (!(err instanceof ConfigValidationError)) throw err;
        issues.push(...err.issues);
    }
    if (issues.length > 0 || !estate) throw new ConfigValidationError(issues);
    const bootstrap = model.bootstrap!;
    const { partition } = estate;
    const region = model.region;
    const hub = estate.accounts[0];
    const stateAccount = estate.accounts.find((a) => a.key === bootstrap.stateAccount) as EstateAccount;
    const accessRole = (accountId: string) => (bootstrap.accountAccessRoleName ? `arn:${partition}:iam::${accountId}:role/${bootstrap.accountAccessRoleName}` : undefined);
    const providers = new Map(estate.accounts.map((account) => {
        const roleArn = accessRole(account.accountId);
        return [account.key, new aws.Provider(account.key === HUB_KEY ? "bootstrap-hub" : `bootstrap-${account.key}`, {
            region: region as aws.Region,
            allowedAccountIds: [account.accountId],
            assumeRoles: roleArn ? [{ roleArn, sessionName: `closed-ftp-bootstrap-${stack}`.slice(0, 64) }] : undefined,
            // Not the program's Project tag: no deploy role's tag conditions may reach what the bootstrap made.
            defaultTags: { tags: { ...model.tags, Project: BOOTSTRAP_PROJECT, [STACK_TAG_KEY]: stack, Account: account.key } },
        })] as const;
    }));
    const hubProvider = providers.get(HUB_KEY) as aws.Provider;
    const stateProvider = providers.get(stateAccount.key) as aws.Provider;
    // What keeps the estate's state: no config change or destroy may delete it.
    const kept = { protect: true, retainOnDelete: true };

    // The CI roles, in the hub: one per GitHub environment, each trusted by that environment's tokens only.
    const github = bootstrap.github;
    const oidcProviderArn = github
        ? github.oidcProviderArn ?? new aws.iam.OpenIdConnectProvider("github", { url: GITHUB_OIDC_URL, clientIdLists: [GITHUB_OIDC_AUDIENCE] }, { provider: hubProvider }).arn
        : undefined;
    const ciRoles = new Map<CiEnvironment, aws.iam.Role>(github && oidcProviderArn ? CI_ENVIRONMENTS.map((environment) => [environment, new aws.iam.Role(`ci-${environment}`, {
        name: ciRoleName(stack, environment),
        path: BOOTSTRAP_PATH,
        description: `closed-ftp ${stack}: GitHub environment ${githubEnvironment(stack, environment)} of ${github.repository}`,
        assumeRolePolicy: pulumi.output(oidcProviderArn).apply((providerArn) => JSON.stringify(githubTrustPolicy({ providerArn, repository: github.repository, environment: githubEnvironment(stack, environment) }))),
        maxSessionDuration: 3600,
    }, { provider: hubProvider })]) : []);
    const admins = bootstrap.administratorRoleArns;
    const ciArn = (environment: CiEnvironment) => ciRoles.get(environment)?.arn;

    // The state: a bucket and a key in the state account, named for the CI roles and administrators.
    const key = new aws.kms.Key("secrets", {
        description: `closed-ftp ${stack}: Pulumi's awskms:// secrets provider (the stack's passwords and seed in state)`,
        enableKeyRotation: true,
        deletionWindowInDays: 30,
        policy: pulumi.all([ciArn("deploy"), ciArn("preview"), ciArn("smoke")]).apply(([deploy, preview, smoke]) => JSON.stringify(secretsKeyPolicy({
            partition, accountId: stateAccount.accountId,
            encrypters: [...(deploy ? [deploy] : []), ...admins],
            decrypters: [preview, smoke].filter((r): r is string => !!r),
        }))),
    }, { provider: stateProvider, ...kept });
    new aws.kms.Alias("secrets", { name: secretsKeyAlias(stack), targetKeyId: key.keyId }, { provider: stateProvider, ...kept });
    const bucketName = stateBucketName({ accountId: stateAccount.accountId, stack });
    const bucket = new aws.s3.Bucket("state", { bucket: bucketName }, { provider: stateProvider, ...kept });
    const state = { provider: stateProvider, ...kept, parent: bucket };
    const publicAccessBlock = new aws.s3.BucketPublicAccessBlock("state", { bucket: bucket.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true }, state);
    new aws.s3.BucketOwnershipControls("state", { bucket: bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } }, state);
    new aws.s3.BucketVersioning("state", { bucket: bucket.id, versioningConfiguration: { status: "Enabled" } }, state);
    new aws.s3.BucketServerSideEncryptionConfiguration("state", { bucket: bucket.id, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] }, state);
    new aws.s3.BucketPolicy("state", {
        bucket: bucket.id,
        policy: pulumi.all([ciArn("deploy"), ciArn("preview"), ciArn("smoke")]).apply(([deploy, preview, smoke]) => JSON.stringify(stateBucketPolicy({
            partition, bucketName, writers: [...(deploy ? [deploy] : []), ...admins], readers: [preview, smoke].filter((r): r is string => !!r),
        }))),
    }, { ...state, dependsOn: [publicAccessBlock] });

    // The roles the program creates carry this boundary; the hub's deploy role may create no role without it.
    const boundary = new aws.iam.Policy("boundary", {
        name: permissionsBoundaryName(stack),
        path: BOOTSTRAP_PATH,
        description: `closed-ftp ${stack}: the most any role the program creates may do`,
        policy: JSON.stringify(permissionsBoundaryPolicy({
            partition, region, hubAccountId: hub.accountId, stack,
            bucketNames: estate.buckets.map((b) => b.physicalName),
            keyAccountIds: [...new Set(estate.buckets.filter((b) => b.encryption === "kms").map((b) => estate.accounts.find((a) => a.key === b.account)!.accountId))].sort(),
            testClient: model.testClient !== undefined,
        })),
    }, { provider: hubProvider });

    // Each account's deploy and preview role, at the names the program's providers assume.
    const accountRoles = estate.accounts.map((account) => {
        const provider = providers.get(account.key) as aws.Provider;
        const principals = (environment: CiEnvironment) => pulumi.output(ciArn(environment)).apply((ci) => [...(ci ? [ci] : []), ...admins]);
        const scope = deployScopes(model, estate).get(account.key) as DeployScope;
        const role = (kind: "deploy" | "preview", environment: CiEnvironment, description: string) => new aws.iam.Role(`${account.key}-${kind}`, {
            name: bootstrapRoleName(stack, kind),
            path: BOOTSTRAP_PATH,
            description,
            assumeRolePolicy: principals(environment).apply((p) => JSON.stringify(roleTrustPolicy(p))),
            // Role chaining caps every session at an hour anyway (STS AssumeRole, DurationSeconds).
            maxSessionDuration: 3600,
        }, { provider, dependsOn: [boundary] });
        const deploy = role("deploy", "deploy", `closed-ftp ${stack}: what the program deploys in ${account.key}, and nothing else`);
        // Managed policies, not inline: a role's inline policies share 10,240 characters, and the hub's
        // deploy policy alone comes close with a handful of buckets.
        packPolicy(deployRolePolicy(scope)).forEach((document, i) => {
            const policy = new aws.iam.Policy(`${account.key}-deploy-${i + 1}`, {
                name: `closed-ftp-${stack}-deploy-${i + 1}`, path: BOOTSTRAP_PATH, description: `closed-ftp ${stack}: the deploy role's permissions in ${account.key}, part ${i + 1}`,
                policy: JSON.stringify(document),
            }, { provider });
            new aws.iam.RolePolicyAttachment(`${account.key}-deploy-${i + 1}`, { role: deploy.name, policyArn: policy.arn }, { provider });
        });
        const preview = role("preview", "preview", `closed-ftp ${stack}: pull-request previews in ${account.key} (look-ups only)`);
        new aws.iam.RolePolicy(`${account.key}-preview`, { role: preview.name, name: `closed-ftp-${stack}-preview`, policy: JSON.stringify(previewRolePolicy()) }, { provider });
        return { account, deploy, preview };
    });

    // What each CI role may do: assume its environment's roles in every account, and reach the state.
    for (const [environment, ci] of ciRoles) {
        const assumable = environment === "smoke" ? [] : accountRoles.map((r) => (environment === "deploy" ? r.deploy : r.preview).arn);
        new aws.iam.RolePolicy(`ci-${environment}`, {
            role: ci.name,
            name: `closed-ftp-${stack}-ci-${environment}`,
            policy: pulumi.all([key.arn, ...assumable]).apply(([secretsKeyArn, ...roles]) => JSON.stringify(ciRolePolicy({
                partition, region, hubAccountId: hub.accountId, environment, stateBucketName: bucketName, secretsKeyArn, assumable: roles, stack, testClient: model.testClient !== undefined,
            }))),
        }, { provider: hubProvider });
    }

    const common = { AWS_REGION: region, PULUMI_BACKEND_URL: backendUrl({ accountId: stateAccount.accountId, region, stack }) };
    const variable: Record<CiEnvironment, string> = { deploy: "AWS_DEPLOY_ROLE_ARN", preview: "AWS_PREVIEW_ROLE_ARN", smoke: "AWS_SMOKE_ROLE_ARN" };
    return {
        accounts: Object.fromEntries(accountRoles.map(({ account, deploy, preview }) => [account.key, { accountId: account.accountId, deployRoleArn: deploy.arn, previewRoleArn: preview.arn }])),
        backendUrl: common.PULUMI_BACKEND_URL,
        secretsProvider: secretsProviderUrl({ region, stack }),
        stateBucketName: bucket.bucket,
        secretsKeyArn: key.arn,
        permissionsBoundaryArn: boundary.arn,
        githubEnvironments: Object.fromEntries([...ciRoles].map(([environment, ci]) => [githubEnvironment(stack, environment), { ...common, [variable[environment]]: ci.arn }])),
    };
}
