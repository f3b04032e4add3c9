// What the mock cloud answers for each resource type: realistic, deterministic ids and ARNs,
// derived only from the resource's type, logical name and the account/region of its provider.
import * as crypto from "crypto";
import { partitionOf } from "../../infra/model";

export { partitionOf };

export interface Placement {
    accountId: string;
    region: string;
    partition: string;
}

export interface ShapeContext extends Placement {
    type: string;
    name: string;
    inputs: Record<string, unknown>;
    /** An instance's subnet block, where the cloud knows it. */
    subnetCidr?: string;
}

export interface Shape {
    id: string;
    /** Computed properties; merged over the inputs to form the resource's state. */
    computed: Record<string, unknown>;
}

function digest(seed: string): Buffer {
    return crypto.createHash("sha256").update(seed).digest();
}

/** `n` lowercase hex characters, the same for the same seed on every run. */
export function hexOf(seed: string, n: number): string {
    let out = "";
    for (let i = 0; out.length < n; i++) out += digest(`${seed}#${i}`).toString("hex");
    return out.slice(0, n);
}

function charsOf(seed: string, n: number, alphabet: string): string {
    let out = "";
    for (let i = 0; out.length < n; i++) {
        for (const byte of digest(`${seed}#${i}`)) {
            if (out.length < n) out += alphabet[byte % alphabet.length];
        }
    }
    return out;
}

const UPPER_ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
const MIXED_ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

export function upperAlnumOf(seed: string, n: number): string {
    return charsOf(seed, n, UPPER_ALNUM);
}

export function uuidOf(seed: string): string {
    const h = hexOf(seed, 32);
    // Version 4 layout, so tools that validate UUIDs accept it.
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** The `-<7 hex>` suffix Pulumi's auto-naming appends to a logical name. */
export function autoName(ctx: ShapeContext): string {
    return `${ctx.name}-${hexOf(`${ctx.type}|${ctx.name}|autoname`, 7)}`;
}

function seedOf(ctx: ShapeContext, purpose: string): string {
    return `${ctx.type}|${ctx.name}|${purpose}`;
}

function str(value: unknown): string | undefined {
    return typeof value === "string" && value !== "" ? value : undefined;
}

/** The Interface endpoint DNS name AWS gives a VPC endpoint id, derived from the id alone. */
export function vpcEndpointDnsName(vpcEndpointId: string, region: string, serviceHint: string): string {
    return `${vpcEndpointId}-${hexOf(`${vpcEndpointId}|dns`, 8)}.${serviceHint}.${region}.vpce.amazonaws.com`;
}

export function vpcEndpointHostedZoneId(vpcEndpointId: string): string {
    return `Z${upperAlnumOf(`${vpcEndpointId}|zone`, 13)}`;
}

type ShapeFn = (ctx: ShapeContext) => Shape;

const arnPrefix = (ctx: Placement, service: string, regional = true) =>
    `arn:${ctx.partition}:${service}:${regional ? ctx.region : ""}:${ctx.accountId}`;

const shapes: Record<string, ShapeFn> = {
    "aws:iam/role:Role": (ctx) => {
        const name = str(ctx.inputs.name) ?? autoName(ctx);
        const path = str(ctx.inputs.path) ?? "/";
        return {
            id: name,
            computed: {
                name,
                path,
                arn: `${arnPrefix(ctx, "iam", false)}:role${path}${name}`,
                uniqueId: `AROA${upperAlnumOf(seedOf(ctx, "uniqueId"), 17)}`,
                createDate: "2026-01-01T00:00:00Z",
            },
        };
    },
    "aws:iam/policy:Policy": (ctx) => {
        const name = str(ctx.inputs.name) ?? autoName(ctx);
        const arn = `${arnPrefix(ctx, "iam", false)}:policy${str(ctx.inputs.path) ?? "/"}${name}`;
        return { id: arn, computed: { name, arn, policyId: `ANPA${upperAlnumOf(seedOf(ctx, "policyId"), 17)}` } };
    },
    // IAM names a provider by its URL, without the scheme: one per URL per account.
    "aws:iam/openIdConnectProvider:OpenIdConnectProvider": (ctx) => {
        const arn = `${arnPrefix(ctx, "iam", false)}:oidc-provider/${(str(ctx.inputs.url) ?? "").replace(/^https:\/\//, "")}`;
        return { id: arn, computed: { arn } };
    },
    "aws:iam/rolePolicy:RolePolicy": (ctx) => {
        const name = str(ctx.inputs.name) ?? autoName(ctx);
        return { id: `${String(ctx.inputs.role)}:${name}`, computed: { name } };
    },
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": (ctx) => ({
        id: `${String(ctx.inputs.role)}-${hexOf(seedOf(ctx, "id"), 26)}`,
        computed: {},
    }),
    "aws:transfer/server:Server": (ctx) => {
        const id = `s-${hexOf(seedOf(ctx, "id"), 17)}`;
        const endpointDetails = (ctx.inputs.endpointDetails ?? {}) as Record<string, unknown>;
        return {
            id,
            computed: {
                arn: `${arnPrefix(ctx, "transfer")}:server/${id}`,
                endpoint: `${id}.server.transfer.${ctx.region}.amazonaws.com`,
                hostKeyFingerprint: `SHA256:${crypto.createHash("sha256").update(id).digest("base64").replace(/=+$/, "")}`,
                endpointDetails: { ...endpointDetails, vpcEndpointId: `vpce-${hexOf(seedOf(ctx, "vpce"), 17)}` },
            },
        };
    },
    "aws:lambda/function:Function": (ctx) => {
        const name = str(ctx.inputs.name) ?? autoName(ctx);
        const arn = `${arnPrefix(ctx, "lambda")}:function:${name}`;
        return {
            id: name,
            computed: {
                name,
                arn,
                qualifiedArn: `${arn}:$LATEST`,
                invokeArn: `arn:${ctx.partition}:apigateway:${ctx.region}:lambda:path/2015-03-31/functions/${arn}/invocations`,
                version: "$LATEST",
                lastModified: "2026-01-01T00:00:00.000+0000",
            },
        };
    },
    "aws:lambda/permission:Permission": (ctx) => ({
        id: str(ctx.inputs.statementId) ?? autoName(ctx),
        computed: { statementId: str(ctx.inputs.statementId) ?? autoName(ctx) },
    }),
    "aws:cloudwatch/logGroup:LogGroup": (ctx) => {
        const name = str(ctx.inputs.name) ?? autoName(ctx);
        // The provider's arn has no trailing ":*" (unlike the API's).
        return { id: name, computed: { name, arn: `${arnPrefix(ctx, "logs")}:log-group:${name}` } };
    },
    "aws:ec2/securityGroup:SecurityGroup": (ctx) => {
        const id = `sg-${hexOf(seedOf(ctx, "id"), 17)}`;
        return {
            id,
            computed: { name: str(ctx.inputs.name) ?? autoName(ctx), arn: `${arnPrefix(ctx, "ec2")}:security-group/${id}`, ownerId: ctx.accountId },
        };
    },
    "aws:ec2/vpc:Vpc": (ctx) => {
        const id = `vpc-${hexOf(seedOf(ctx, "id"), 17)}`;
        return {
            id,
            computed: {
                arn: `${arnPrefix(ctx, "ec2")}:vpc/${id}`, ownerId: ctx.accountId,
                defaultSecurityGroupId: `sg-${hexOf(seedOf(ctx, "default-sg"), 17)}`, mainRouteTableId: `rtb-${hexOf(seedOf(ctx, "main-rtb"), 17)}`,
                defaultRouteTableId: `rtb-${hexOf(seedOf(ctx, "main-rtb"), 17)}`, defaultNetworkAclId: `acl-${hexOf(seedOf(ctx, "acl"), 17)}`,
            },
        };
    },
    "aws:ec2/subnet:Subnet": (ctx) => {
        const id = `subnet-${hexOf(seedOf(ctx, "id"), 17)}`;
        return { id, computed: { arn: `${arnPrefix(ctx, "ec2")}:subnet/${id}`, ownerId: ctx.accountId, availabilityZoneId: `${ctx.region.split("-").map((p) => p[0]).join("")}-az${(hexOf(seedOf(ctx, "az"), 1).charCodeAt(0) % 3) + 1}` } };
    },
    "aws:ec2/routeTable:RouteTable": (ctx) => {
        const id = `rtb-${hexOf(seedOf(ctx, "id"), 17)}`;
        return { id, computed: { arn: `${arnPrefix(ctx, "ec2")}:route-table/${id}`, ownerId: ctx.accountId, routes: ctx.inputs.routes ?? [] } };
    },
    "aws:ec2/routeTableAssociation:RouteTableAssociation": (ctx) => ({ id: `rtbassoc-${hexOf(seedOf(ctx, "id"), 17)}`, computed: {} }),
    "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": (ctx) => {
        const id = `sg-${hexOf(seedOf(ctx, "id"), 17)}`;
        return { id, computed: { arn: `${arnPrefix(ctx, "ec2")}:security-group/${id}`, name: "default", ownerId: ctx.accountId } };
    },
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": (ctx) => securityGroupRule(ctx),
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": (ctx) => securityGroupRule(ctx),
    "aws:ec2/vpcEndpoint:VpcEndpoint": (ctx) => {
        const id = `vpce-${hexOf(seedOf(ctx, "id"), 17)}`;
        const service = (str(ctx.inputs.serviceName) ?? "service").split(".").pop() as string;
        return {
            id,
            computed: {
                arn: `${arnPrefix(ctx, "ec2")}:vpc-endpoint/${id}`,
                ownerId: ctx.accountId,
                state: "available",
                dnsEntries: [{ dnsName: vpcEndpointDnsName(id, ctx.region, service), hostedZoneId: vpcEndpointHostedZoneId(id) }],
                networkInterfaceIds: ((ctx.inputs.subnetIds as unknown[]) ?? []).map((_, i) => `eni-${hexOf(seedOf(ctx, `eni${i}`), 17)}`),
                // A gateway endpoint's service has an AWS-managed prefix list, which security groups name.
                ...(ctx.inputs.vpcEndpointType === "Gateway" ? { prefixListId: `pl-${hexOf(`${ctx.region}|${service}|prefix-list`, 8)}`, cidrBlocks: ["52.219.0.0/20"] } : {}),
            },
        };
    },
    "aws:ec2/vpcPeeringConnection:VpcPeeringConnection": (ctx) => {
        const id = `pcx-${hexOf(seedOf(ctx, "id"), 17)}`;
        return { id, computed: { arn: `${arnPrefix(ctx, "ec2")}:vpc-peering-connection/${id}`, acceptStatus: ctx.inputs.autoAccept ? "active" : "pending-acceptance", peerOwnerId: ctx.accountId, peerRegion: ctx.region } };
    },
    // aws_route's id: the route table and the destination.
    "aws:ec2/route:Route": (ctx) => ({ id: `r-${String(ctx.inputs.routeTableId)}${hexOf(String(ctx.inputs.destinationCidrBlock ?? ""), 10)}`, computed: { origin: "CreateRoute", state: "active" } }),
    "aws:iam/instanceProfile:InstanceProfile": (ctx) => {
        const name = str(ctx.inputs.name) ?? autoName(ctx);
        const path = str(ctx.inputs.path) ?? "/";
        return { id: name, computed: { name, path, arn: `${arnPrefix(ctx, "iam", false)}:instance-profile${path}${name}`, uniqueId: `AIPA${upperAlnumOf(seedOf(ctx, "uniqueId"), 17)}` } };
    },
    "aws:ec2/instance:Instance": (ctx) => {
        const id = `i-${hexOf(seedOf(ctx, "id"), 17)}`;
        // AWS keeps a subnet's first four addresses: the instance takes one after them, inside the block.
        const [base, bits] = (ctx.subnetCidr ?? "10.0.0.0/24").split("/");
        const start = base.split(".").reduce((n, octet) => n * 256 + Number(octet), 0);
        const size = 2 ** (32 - Number(bits));
        const host = start + 4 + (parseInt(hexOf(seedOf(ctx, "ip"), 4), 16) % Math.max(1, size - 5));
        const address = [24, 16, 8, 0].map((shift) => (host >>> shift) & 255).join(".");
        return {
            id,
            computed: {
                arn: `${arnPrefix(ctx, "ec2")}:instance/${id}`, instanceState: "running", privateIp: address, privateDns: `ip-${address.replace(/\./g, "-")}.${ctx.region}.compute.internal`,
                publicIp: "", primaryNetworkInterfaceId: `eni-${hexOf(seedOf(ctx, "eni"), 17)}`,
            },
        };
    },
    "aws:secretsmanager/secret:Secret": (ctx) => {
        const name = str(ctx.inputs.name) ?? autoName(ctx);
        // Secrets Manager appends a dash and six random characters to every secret ARN.
        const arn = `${arnPrefix(ctx, "secretsmanager")}:secret:${name}-${charsOf(seedOf(ctx, "suffix"), 6, MIXED_ALNUM)}`;
        return { id: arn, computed: { name, arn } };
    },
    "aws:secretsmanager/secretVersion:SecretVersion": (ctx) => {
        const versionId = uuidOf(seedOf(ctx, "version"));
        return { id: `${String(ctx.inputs.secretId)}|${versionId}`, computed: { versionId, arn: ctx.inputs.secretId, versionStages: ["AWSCURRENT"] } };
    },
    "aws:s3/bucket:Bucket": (ctx) => {
        const prefix = str(ctx.inputs.bucketPrefix);
        const bucket = str(ctx.inputs.bucket) ?? (prefix ? `${prefix}${hexOf(seedOf(ctx, "prefix"), 26)}` : autoName(ctx));
        return {
            id: bucket,
            computed: {
                bucket,
                arn: `arn:${ctx.partition}:s3:::${bucket}`,
                bucketDomainName: `${bucket}.s3.amazonaws.com`,
                bucketRegionalDomainName: `${bucket}.s3.${ctx.region}.amazonaws.com`,
                hostedZoneId: "Z2M4EHUR26P7ZW",
                region: ctx.region,
            },
        };
    },
    "aws:kms/key:Key": (ctx) => {
        const keyId = uuidOf(seedOf(ctx, "keyId"));
        return { id: keyId, computed: { keyId, arn: `${arnPrefix(ctx, "kms")}:key/${keyId}` } };
    },
    "aws:kms/alias:Alias": (ctx) => {
        const name = str(ctx.inputs.name) ?? `alias/${autoName(ctx)}`;
        return { id: name, computed: { name, arn: `${arnPrefix(ctx, "kms")}:${name}` } };
    },
    "aws:sns/topic:Topic": (ctx) => {
        const name = str(ctx.inputs.name) ?? autoName(ctx);
        const arn = `${arnPrefix(ctx, "sns")}:${name}`;
        return { id: arn, computed: { name, arn, owner: ctx.accountId } };
    },
    "aws:sns/topicPolicy:TopicPolicy": (ctx) => ({ id: String(ctx.inputs.arn), computed: { owner: ctx.accountId } }),
    // An email subscription stays pending until its recipient confirms: AWS answers no subscription ARN yet.
    "aws:sns/topicSubscription:TopicSubscription": (ctx) => {
        const arn = `${String(ctx.inputs.topic)}:${uuidOf(seedOf(ctx, "subscription"))}`;
        return { id: arn, computed: { arn, ownerId: ctx.accountId, pendingConfirmation: ctx.inputs.protocol === "email", confirmationWasAuthenticated: false } };
    },
    "aws:cloudwatch/metricAlarm:MetricAlarm": (ctx) => {
        const name = str(ctx.inputs.name) ?? autoName(ctx);
        return { id: name, computed: { name, arn: `${arnPrefix(ctx, "cloudwatch")}:alarm:${name}` } };
    },
    "aws:cloudwatch/logMetricFilter:LogMetricFilter": (ctx) => ({ id: str(ctx.inputs.name) ?? autoName(ctx), computed: {} }),
    // Dashboards are global: their ARN has no region.
    "aws:cloudwatch/dashboard:Dashboard": (ctx) => {
        const name = str(ctx.inputs.dashboardName) ?? autoName(ctx);
        return { id: name, computed: { dashboardName: name, dashboardArn: `arn:${ctx.partition}:cloudwatch::${ctx.accountId}:dashboard/${name}` } };
    },
    "aws:route53/record:Record": (ctx) => {
        const name = (str(ctx.inputs.name) ?? "").toLowerCase().replace(/\.$/, "");
        return { id: `${String(ctx.inputs.zoneId)}_${name}_${String(ctx.inputs.type)}`, computed: { fqdn: name } };
    },
    "random:index/randomPassword:RandomPassword": (ctx) => {
        const length = typeof ctx.inputs.length === "number" ? ctx.inputs.length : 16;
        const result = charsOf(seedOf(ctx, "result"), length, MIXED_ALNUM);
        return { id: "none", computed: { result, bcryptHash: `$2a$10$${charsOf(seedOf(ctx, "bcrypt"), 53, MIXED_ALNUM)}` } };
    },
    "random:index/randomBytes:RandomBytes": (ctx) => {
        const length = typeof ctx.inputs.length === "number" ? ctx.inputs.length : 16;
        const bytes = Buffer.from(hexOf(seedOf(ctx, "bytes"), length * 2), "hex");
        return { id: bytes.toString("base64"), computed: { hex: bytes.toString("hex"), base64: bytes.toString("base64") } };
    },
    "random:index/randomId:RandomId": (ctx) => {
        const length = typeof ctx.inputs.byteLength === "number" ? ctx.inputs.byteLength : 8;
        const bytes = Buffer.from(hexOf(seedOf(ctx, "bytes"), length * 2), "hex");
        const b64Url = bytes.toString("base64url");
        return {
            id: b64Url,
            computed: { hex: bytes.toString("hex"), b64Std: bytes.toString("base64"), b64Url, dec: BigInt(`0x${bytes.toString("hex")}`).toString() },
        };
    },
};

function securityGroupRule(ctx: ShapeContext): Shape {
    const id = `sgr-${hexOf(seedOf(ctx, "id"), 17)}`;
    return { id, computed: { securityGroupRuleId: id, arn: `${arnPrefix(ctx, "ec2")}:security-group-rule/${id}` } };
}

/** The types whose shapes are modelled on AWS's; anything else gets the generic shape. */
export const MODELLED_TYPES: readonly string[] = Object.keys(shapes);

export function shapeOf(ctx: ShapeContext): Shape {
    const specific = shapes[ctx.type];
    if (specific) return specific(ctx);
    const [pkg, mod] = ctx.type.split(":");
    const id = `${ctx.name}-${hexOf(seedOf(ctx, "id"), 8)}`;
    if (pkg !== "aws") return { id, computed: {} };
    // S3 sub-resources (policy, versioning, ...) are identified by their bucket, as in the AWS provider.
    if (mod.startsWith("s3/") && str(ctx.inputs.bucket)) return { id: String(ctx.inputs.bucket), computed: {} };
    const service = mod.split("/")[0];
    const kind = ctx.type.split(":")[2].replace(/[A-Z]/g, (c, i) => (i === 0 ? c.toLowerCase() : `-${c.toLowerCase()}`));
    return { id, computed: { arn: `${arnPrefix(ctx, service)}:${kind}/${id}` } };
}
