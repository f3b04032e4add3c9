import { PolicyResource, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { FTP_CONTROL_PORT, FTP_PASSIVE_PORTS, REUSED_STS_ENDPOINT_TAG } from "../../infra/model";
import { refersTo } from "./documents";
import { TRANSFER_SERVER } from "./transfer";

const SECURITY_GROUP = "aws:ec2/securityGroup:SecurityGroup";
const INGRESS_RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
const SG_RULE = "aws:ec2/securityGroupRule:SecurityGroupRule";
const VPC_ENDPOINT = "aws:ec2/vpcEndpoint:VpcEndpoint";
/** Any spelling of a /0 ("0.0.0.0/0", "::/0", "0::/0", "1.2.3.4/0") is the whole address space. */
const isWorld = (cidr: string) => /\/0+$/.test(cidr.trim());

interface Ingress { protocol: string; fromPort: number; toPort: number; sources: string[] }

/** Every ingress a resource opens: inline SG rules, standalone ingress rules, legacy SG rules. */
export function ingressOf(type: string, props: Record<string, unknown>): Ingress[] {
    const arr = (v: unknown) => (Array.isArray(v) ? v.map(String) : []);
    if (type === SECURITY_GROUP) {
        return (Array.isArray(props.ingress) ? props.ingress : []).map((r: Record<string, unknown>) => ({
            protocol: String(r.protocol), fromPort: Number(r.fromPort), toPort: Number(r.toPort), sources: [...arr(r.cidrBlocks), ...arr(r.ipv6CidrBlocks)],
        }));
    }
    if (type === INGRESS_RULE) {
        return [{ protocol: String(props.ipProtocol), fromPort: Number(props.fromPort), toPort: Number(props.toPort), sources: [props.cidrIpv4, props.cidrIpv6].filter((c): c is string => typeof c === "string") }];
    }
    if (type === SG_RULE && props.type === "ingress") {
        return [{ protocol: String(props.protocol), fromPort: Number(props.fromPort), toPort: Number(props.toPort), sources: [...arr(props.cidrBlocks), ...arr(props.ipv6CidrBlocks)] }];
    }
    return [];
}

export const noWorldIngress: ResourceValidationPolicy = {
    name: "no-world-ingress",
    description: "No security group admits traffic from 0.0.0.0/0 or ::/0.",
    enforcementLevel: "mandatory",
    validateResource: (args, reportViolation) => {
        for (const rule of ingressOf(args.type, args.props)) {
            const open = rule.sources.filter(isWorld);
            if (open.length > 0) reportViolation(`ingress ${rule.protocol} ${rule.fromPort}-${rule.toPort} from ${open.join(", ")}: a closed network names its clients`);
        }
    },
};

const ftpPortsOnly = (rule: Ingress) =>
    (rule.protocol === "tcp" || rule.protocol === "6") && ((rule.fromPort === FTP_CONTROL_PORT && rule.toPort === FTP_CONTROL_PORT)
        || (rule.fromPort >= FTP_PASSIVE_PORTS.from && rule.toPort <= FTP_PASSIVE_PORTS.to && rule.fromPort <= rule.toPort));

/** A value that is the target's id or ARN, or a list holding it; undefined while the target has neither. */
function isIdOf(value: unknown, target: PolicyResource): boolean | undefined {
    const targetId = target.props.id ?? target.props.arn;
    if (targetId === undefined) return undefined;
    return value !== undefined && (value === targetId || (Array.isArray(value) && value.includes(targetId)));
}

export const ftpSecurityGroupPorts: StackValidationPolicy = {
    name: "ftp-security-group-ports",
    description: "Security groups of Transfer servers open only TCP 21 and the passive range 8192-8200.",
    enforcementLevel: "mandatory",
    validateStack: (args, reportViolation) => {
        const servers = args.resources.filter((r) => r.type === TRANSFER_SERVER);
        const groups = args.resources.filter((r) => r.type === SECURITY_GROUP && servers.some((s) => refersTo(s, "endpointDetails", () => s.props.endpointDetails?.securityGroupIds, r, isIdOf)));
        for (const group of groups) {
            for (const rule of ingressOf(group.type, group.props).filter((r) => !ftpPortsOnly(r))) {
                reportViolation(`FTP security group ${group.name} opens ${rule.protocol} ${rule.fromPort}-${rule.toPort}; only TCP 21 and 8192-8200 belong there`, group.urn);
            }
            const rules = args.resources.filter((r) => (r.type === INGRESS_RULE || r.type === SG_RULE) && refersTo(r, "securityGroupId", () => r.props.securityGroupId, group, isIdOf));
            for (const ruleResource of rules) {
                for (const rule of ingressOf(ruleResource.type, ruleResource.props).filter((r) => !ftpPortsOnly(r))) {
                    reportViolation(`${ruleResource.name} opens ${rule.protocol} ${rule.fromPort}-${rule.toPort} on FTP security group ${group.name}; only TCP 21 and 8192-8200 belong there`, ruleResource.urn);
                }
            }
        }
    },
};

export const stsEndpointForTransferVpc: StackValidationPolicy = {
    name: "sts-endpoint-for-transfer-vpc",
    description: "Every VPC hosting a Transfer server has an STS interface endpoint with private DNS: without it every transfer fails.",
    enforcementLevel: "mandatory",
    validateStack: (args, reportViolation) => {
        const endpoints = args.resources.filter((r) => r.type === VPC_ENDPOINT && /\.sts$/.test(String(r.props.serviceName ?? ""))
            && r.props.vpcEndpointType === "Interface" && r.props.privateDnsEnabled === true);
        for (const server of args.resources.filter((r) => r.type === TRANSFER_SERVER && r.props.endpointType === "VPC")) {
            const vpcId = server.props.endpointDetails?.vpcId;
            const vpcSources = (server.propertyDependencies.endpointDetails ?? []).map((d) => d.urn);
            const covered = endpoints.some((e) => (vpcId !== undefined && e.props.vpcId === vpcId)
                || (e.propertyDependencies.vpcId ?? []).some((d) => vpcSources.includes(d.urn)));
            // A reused endpoint is read, not managed, and reads never reach a policy pack: the program checked it
            // (live, private DNS on) before creating anything, and names it on the server.
            const reused = /^vpce-[0-9a-f]+$/.test(String((server.props.tags ?? {})[REUSED_STS_ENDPOINT_TAG] ?? ""));
            if (!covered && !reused) reportViolation(`Transfer server ${server.name} is in VPC ${vpcId ?? "(unknown)"} with no STS interface endpoint with private DNS on`, server.urn);
        }
    },
};

/** Resource types that are, or attach, a path to the internet. awsx's Vpc always attaches an internet gateway. */
const INTERNET_PATH_TYPES: Record<string, string> = {
    "aws:ec2/internetGateway:InternetGateway": "an internet gateway",
    "aws:ec2/internetGatewayAttachment:InternetGatewayAttachment": "an internet gateway attachment",
    "aws:ec2/natGateway:NatGateway": "a NAT gateway",
    "aws:ec2/egressOnlyInternetGateway:EgressOnlyInternetGateway": "an egress-only internet gateway",
    "aws:ec2/eip:Eip": "an Elastic IP",
    "awsx:ec2:Vpc": "an awsx VPC (it always attaches an internet gateway)",
};

function defaultRoutes(routes: unknown): string[] {
    return (Array.isArray(routes) ? routes : []).flatMap((r: Record<string, unknown>) => [r.cidrBlock, r.ipv6CidrBlock].filter((c): c is string => typeof c === "string" && isWorld(c)));
}

function instanceAsksForPublicIp(type: string, props: Record<string, unknown>): boolean {
    // Unset, an instance takes its subnet's mapPublicIpOnLaunch, which may be a subnet no plan shows.
    if (type === "aws:ec2/instance:Instance") return props.associatePublicIpAddress !== false;
    // A launch template's interfaces carry it (as "true"/"false" strings in the provider).
    const interfaces = Array.isArray(props.networkInterfaces) ? props.networkInterfaces as Record<string, unknown>[] : [];
    return interfaces.some((i) => i.associatePublicIpAddress === true || i.associatePublicIpAddress === "true");
}

export const noInternetPath: ResourceValidationPolicy = {
    name: "no-internet-path",
    description: "Nothing gives the closed network a path to or from the internet: no internet, NAT or egress-only gateway, no Elastic IP, no default route, no public IP on launch.",
    enforcementLevel: "mandatory",
    validateResource: (args, reportViolation) => {
        const what = INTERNET_PATH_TYPES[args.type];
        if (what) reportViolation(`${what} gives the closed network a path to the internet`);
        if (args.type === "aws:ec2/route:Route") {
            const open = [args.props.destinationCidrBlock, args.props.destinationIpv6CidrBlock].filter((c) => typeof c === "string" && isWorld(c as string));
            if (open.length > 0) reportViolation(`route to ${open.join(", ")}: a closed network has no default route`);
        }
        if (args.type === "aws:ec2/routeTable:RouteTable" || args.type === "aws:ec2/defaultRouteTable:DefaultRouteTable") {
            const open = defaultRoutes(args.props.routes);
            if (open.length > 0) reportViolation(`route table routes ${open.join(", ")}: a closed network has no default route`);
        }
        if (args.type === "aws:ec2/subnet:Subnet" && args.props.mapPublicIpOnLaunch === true) {
            reportViolation("subnet maps public IPs on launch: nothing in a closed network gets a public address");
        }
        // An instance's own setting overrides its subnet's: it must say no, not inherit.
        if ((args.type === "aws:ec2/instance:Instance" || args.type === "aws:ec2/launchTemplate:LaunchTemplate") && instanceAsksForPublicIp(args.type, args.props)) {
            reportViolation("instance may get a public IP (associatePublicIpAddress is not false): nothing in a closed network gets a public address");
        }
    },
};
