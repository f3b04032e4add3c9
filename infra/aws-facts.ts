// AWS naming rules and defaults that the components, the program, the IdP and the mock cloud share.

// Transfer's naming rules live with the Lambda, the lowest layer that needs them.
export { IAM_ROLE_ARN, secretNameFor, TRANSFER_SERVER_ID, TRANSFER_USER_NAME } from "../idp-lambda/transfer-names";

/** A current Transfer security policy (TLS 1.2+, no legacy ciphers); it matters for FTPS. */
export const DEFAULT_SECURITY_POLICY = "TransferSecurityPolicy-2024-01";

/** The ARN partition of a region. */
export function partitionOf(region: string): string {
    if (region.startsWith("cn-")) return "aws-cn";
    if (region.startsWith("us-gov-")) return "aws-us-gov";
    return "aws";
}

/** Why S3 would refuse a bucket name (https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html), or undefined. */
export function s3BucketNameProblem(name: string): string | undefined {
    if (name.length < 3 || name.length > 63) return "must be 3 to 63 characters";
    if (!/^[a-z0-9][a-z0-9.-]*[a-z0-9]$/.test(name)) return "may hold only lowercase letters, digits, dots and dashes, starting and ending with a letter or digit";
    if (name.includes("..")) return "may not contain two dots in a row";
    if (/^\d+\.\d+\.\d+\.\d+$/.test(name)) return "may not look like an IP address";
    const reservedPrefix = ["xn--", "sthree-", "amzn-s3-demo-"].find((p) => name.startsWith(p));
    const reservedSuffix = ["-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"].find((p) => name.endsWith(p));
    if (reservedPrefix || reservedSuffix) return `uses the prefix or suffix "${reservedPrefix ?? reservedSuffix}", which S3 reserves`;
    return undefined;
}

/** Why Secrets Manager would refuse a secret name (https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_CreateSecret.html), or undefined. */
export function secretsmanagerSecretNameProblem(name: string): string | undefined {
    if (name.length < 1 || name.length > 512) return "must be 1 to 512 characters";
    if (!/^[A-Za-z0-9/_+=.@-]+$/.test(name)) return "may hold only ASCII letters, digits and /_+=.@-";
    return undefined;
}
