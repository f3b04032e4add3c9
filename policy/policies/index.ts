// The guardrails of a closed, least-privilege hub, one policy per export.
import { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { bucketGuardrails, crossAccountGrantIsConditioned } from "./buckets";
import { dataIsProtected } from "./data";
import { noWildcardGrants } from "./iam";
import { lambdaInvokersPinned, managedPoliciesAllowListed, noInvertedGrants, principalsArePinned } from "./principals";
import { clientRangesClosed } from "./client-ranges";
import { ftpSecurityGroupPorts, noInternetPath, noWorldIngress, stsEndpointForTransferVpc } from "./network";
import { ftpUsesCustomIdentityProvider, transferServerIsVpcEndpoint } from "./transfer";

export { bucketGuardrails, clientRangesClosed, crossAccountGrantIsConditioned, dataIsProtected, lambdaInvokersPinned, managedPoliciesAllowListed, noInvertedGrants, principalsArePinned, ftpSecurityGroupPorts, ftpUsesCustomIdentityProvider, noInternetPath, noWildcardGrants, noWorldIngress, stsEndpointForTransferVpc, transferServerIsVpcEndpoint };

export const GUARDRAILS: (ResourceValidationPolicy | StackValidationPolicy)[] = [
    transferServerIsVpcEndpoint,
    ftpUsesCustomIdentityProvider,
    noWorldIngress,
    noInternetPath,
    ftpSecurityGroupPorts,
    stsEndpointForTransferVpc,
    bucketGuardrails,
    crossAccountGrantIsConditioned,
    noWildcardGrants,
    dataIsProtected,
    principalsArePinned,
    noInvertedGrants,
    managedPoliciesAllowListed,
    lambdaInvokersPinned,
    clientRangesClosed,
];
