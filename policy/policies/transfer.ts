import { ResourceValidationPolicy } from "@pulumi/policy";

export const TRANSFER_SERVER = "aws:transfer/server:Server";
const CUSTOM_IDENTITY_PROVIDERS = ["AWS_LAMBDA", "API_GATEWAY", "AWS_DIRECTORY_SERVICE"];

export const transferServerIsVpcEndpoint: ResourceValidationPolicy = {
    name: "transfer-server-vpc-endpoint",
    description: "Transfer Family servers are VPC endpoints without Elastic IPs: nothing reachable from the internet.",
    enforcementLevel: "mandatory",
    validateResource: (args, reportViolation) => {
        if (args.type !== TRANSFER_SERVER) return;
        if (args.props.endpointType !== "VPC") reportViolation(`endpointType is ${JSON.stringify(args.props.endpointType ?? "PUBLIC (default)")}; a closed FTP server must be "VPC"`);
        const eips = args.props.endpointDetails?.addressAllocationIds;
        if (Array.isArray(eips) && eips.length > 0) reportViolation(`endpointDetails.addressAllocationIds attaches Elastic IPs (${eips.join(", ")}); a closed server has none`);
    },
};

export const ftpUsesCustomIdentityProvider: ResourceValidationPolicy = {
    name: "ftp-custom-identity-provider",
    description: "FTP/FTPS servers authenticate through a custom identity provider (Lambda, API Gateway or Directory Service).",
    enforcementLevel: "mandatory",
    validateResource: (args, reportViolation) => {
        if (args.type !== TRANSFER_SERVER) return;
        const protocols: unknown[] = Array.isArray(args.props.protocols) ? args.props.protocols : ["SFTP"];
        if (!protocols.some((p) => p === "FTP" || p === "FTPS")) return;
        const idp = args.props.identityProviderType ?? "SERVICE_MANAGED";
        if (!CUSTOM_IDENTITY_PROVIDERS.includes(idp)) reportViolation(`identityProviderType is ${idp}; FTP/FTPS need one of ${CUSTOM_IDENTITY_PROVIDERS.join(", ")}`);
    },
};
