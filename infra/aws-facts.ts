// AWS naming rules and defaults that the components, the program, the IdP and the mock cloud share.

/** Transfer Family's own rule for user names; anything else never reaches Secrets Manager. */
export const TRANSFER_USER_NAME = /^[\w][\w@.-]{2,99}$/;

/** A Transfer Family server id: `s-` and 17 lowercase hex. */
export const TRANSFER_SERVER_ID = /^s-[0-9a-f]{17}$/;

/** A current Transfer security policy (TLS 1.2+, no legacy ciphers); it matters for FTPS. */
export const DEFAULT_SECURITY_POLICY = "TransferSecurityPolicy-2024-01";

/** The ARN partition of a region. */
export function partitionOf(region: string): string {
    if (region.startsWith("cn-")) return "aws-cn";
    if (region.startsWith("us-gov-")) return "aws-us-gov";
    return "aws";
}
