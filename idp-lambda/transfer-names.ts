// Transfer Family's naming rules, owned by the Lambda (the lowest layer that needs them);
// infra/, stacks/ and the smoke test import them from here.

/** Transfer Family's own rule for user names; anything else never reaches Secrets Manager. */
export const TRANSFER_USER_NAME = /^[\w][\w@.-]{2,99}$/;

/** A Transfer Family server id: `s-` and 17 lowercase hex. */
export const TRANSFER_SERVER_ID = /^s-[0-9a-f]{17}$/;

/**
 * An IAM role ARN in a partition Transfer runs in (aws, aws-cn, aws-us-gov): optional path, then a
 * role name of at most 64 characters (https://docs.aws.amazon.com/IAM/latest/APIReference/API_Role.html).
 */
export const IAM_ROLE_ARN = /^arn:(?:aws|aws-cn|aws-us-gov):iam::\d{12}:role\/(?:[\w+=,.@-]+\/)*[\w+=,.@-]{1,64}$/;

/** The secret that holds one user of one server (the AWS sample's naming, kept for compatibility). */
export function secretNameFor(serverId: string, username: string): string {
    return `aws/transfer/${serverId}/${username}`;
}

/** What a password chosen for closed-ftp (closed-ftp:passwords, hash-password) is at least; the IdP still takes shorter seed-format secrets. */
export const MIN_PASSWORD_LENGTH = 12;
