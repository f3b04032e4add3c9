// Stack outputs documents for the smoke tests, shaped as `pulumi stack output --json --show-secrets` prints them.
export const SERVER_ID = "s-0123456789abcdef0";
export const ACCESS_ROLE_ARN = "arn:aws:iam::111111111111:role/closed-ftp-access";

export interface FixtureUser {
    password: string;
    access: "read-write" | "read-only";
    bucket?: "inbox" | "analytics-drop";
    allowedSourceCidrs?: string[];
}

export const BUCKET_NAMES = { inbox: "closed-ftp-inbox-0a1b2c3", "analytics-drop": "closed-ftp-analytics-drop-4d5e6f7" } as const;

/** A document as the program exports it; the user's prefix is its name. */
export function outputsDocument(users: Record<string, FixtureUser>, endpointDnsName = "vpce-0123456789abcdef0-abcdefgh.vpce-svc-0123456789abcdef0.ap-northeast-1.vpce.amazonaws.com"): Record<string, unknown> {
    const accountOf = (bucket: keyof typeof BUCKET_NAMES) => (bucket === "inbox" ? { account: "hub", accountId: "111111111111" } : { account: "analytics", accountId: "222222222222" });
    return {
        region: "ap-northeast-1",
        hubAccountId: "111111111111",
        serverId: SERVER_ID,
        serverArn: `arn:aws:transfer:ap-northeast-1:111111111111:server/${SERVER_ID}`,
        endpointDnsName,
        vpcEndpointId: "vpce-0123456789abcdef0",
        vpcId: "vpc-0123456789abcdef0",
        idpFunctionName: "closed-ftp-idp",
        secretPrefix: `aws/transfer/${SERVER_ID}/`,
        users: Object.fromEntries(Object.entries(users).map(([name, u]) => {
            const bucket = u.bucket ?? "inbox";
            return [name, {
                bucket, bucketName: BUCKET_NAMES[bucket], prefix: name, ...accountOf(bucket), access: u.access, accessRoleArn: ACCESS_ROLE_ARN,
                ...(u.allowedSourceCidrs ? { allowedSourceCidrs: u.allowedSourceCidrs } : {}),
            }];
        })),
        userPasswords: Object.fromEntries(Object.entries(users).map(([name, u]) => [name, u.password])),
        buckets: Object.fromEntries((Object.keys(BUCKET_NAMES) as (keyof typeof BUCKET_NAMES)[]).map((bucket) => [bucket, {
            bucketName: BUCKET_NAMES[bucket], ...accountOf(bucket), encryption: bucket === "inbox" ? "s3" : "kms",
            accessRoleArn: ACCESS_ROLE_ARN, accessRoleUniqueId: "AROAEXAMPLEEXAMPLE123",
            ...(bucket === "inbox" ? {} : { kmsKeyArn: "arn:aws:kms:ap-northeast-1:222222222222:key/0c5f8f0e-1111-4222-8333-444455556666" }),
        }])),
    };
}

/** What our IdP answers for a good login: the access role, a session policy and a LOGICAL home. */
export function grantFor(bucketName: string, prefix: string, role = ACCESS_ROLE_ARN): string {
    return JSON.stringify({
        Role: role,
        Policy: JSON.stringify({ Version: "2012-10-17", Statement: [] }),
        HomeDirectoryType: "LOGICAL",
        HomeDirectoryDetails: JSON.stringify([{ Entry: "/", Target: `/${bucketName}/${prefix}` }]),
    });
}
