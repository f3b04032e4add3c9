import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { ConfigValidationError, parseStackConfig, readStackConfig, StackModel } from "../config";
import { CONFIG_REFERENCE, referenceMarkdown, schemaKeys } from "../config-reference";

// The documented example stack config (README.md, "Configuration reference"), as the engine hands it over (values already parsed).
function example(): Record<string, unknown> {
    return {
        "aws:region": "ap-northeast-1",
        "closed-ftp:hub": { accountId: "111111111111", deployRoleArn: "arn:aws:iam::111111111111:role/closed-ftp-deploy" },
        "closed-ftp:network": { vpcId: "vpc-0123456789abcdef0", subnetIds: ["subnet-0aaaaaaaaaaaaaaaa", "subnet-0bbbbbbbbbbbbbbbb"], allowedCidrs: ["10.10.0.0/16"] },
        "closed-ftp:server": { protocols: ["FTP"], passiveIp: "AUTO", idpVpcAttached: true },
        "closed-ftp:accounts": { analytics: { accountId: "222222222222", deployRoleArn: "arn:aws:iam::222222222222:role/closed-ftp-deploy" } },
        "closed-ftp:buckets": [{ name: "inbox" }, { name: "analytics-drop", account: "analytics", encryption: "kms" }],
        "closed-ftp:users": [
            { userName: "user1", home: "inbox/user1" },
            { userName: "partner-a", home: "analytics-drop/partner-a", access: "read-only", allowedSourceCidrs: ["10.10.1.0/24"] },
        ],
    };
}

function issuesOf(raw: Record<string, unknown>) {
    try {
        parseStackConfig(raw);
    } catch (err) {
        if (err instanceof ConfigValidationError) return err.issues;
        throw err;
    }
    return [];
}

type Edit = (c: Record<string, any>) => void; // eslint-disable-line @typescript-eslint/no-explicit-any

function variant(edit: Edit): Record<string, unknown> {
    const config = JSON.parse(JSON.stringify(example()));
    edit(config);
    return config;
}

const FTPS_CERT = "arn:aws:acm:ap-northeast-1:111111111111:certificate/0c5f8f0e-1111-4222-8333-444455556666";

const BAD: [string, Edit, string, RegExp][] = [
    ["missing region", (c) => delete c["aws:region"], "aws:region", /is required/],
    ["bad region", (c) => (c["aws:region"] = "tokyo"), "aws:region", /"tokyo" is not an AWS region/],
    ["hub account id too short", (c) => (c["closed-ftp:hub"].accountId = "1111"), "closed-ftp:hub.accountId", /"1111" is not a 12-digit/],
    ["hub account id as a YAML number", (c) => (c["closed-ftp:hub"].accountId = 111111111111), "closed-ftp:hub.accountId", /^must be quoted in YAML, or it is read as a number: write "111111111111"$/],
    ["a spoke account id whose leading zero YAML dropped", (c) => (c["closed-ftp:accounts"].analytics.accountId = 12345678901), "closed-ftp:accounts.analytics.accountId", /^must be quoted in YAML: 012345678901 was read as the number 12345678901, losing its leading zero; write "012345678901"$/],
    ["hub deploy role in another account", (c) => (c["closed-ftp:hub"].deployRoleArn = "arn:aws:iam::999999999999:role/x"), "closed-ftp:hub.deployRoleArn", /role is in account 999999999999, but the account is 111111111111/],
    ["hub deploy role not a role ARN", (c) => (c["closed-ftp:hub"].deployRoleArn = "arn:aws:iam::111111111111:user/x"), "closed-ftp:hub.deployRoleArn", /is not an IAM role ARN/],
    ["typo in a hub key", (c) => (c["closed-ftp:hub"].acountId = "1"), "closed-ftp:hub.acountId", /unknown key "acountId"/],
    ["unknown top-level key", (c) => (c["closed-ftp:usres"] = []), "closed-ftp:usres", /unknown key; closed-ftp keys are/],
    ["spoke role partition does not match the region", (c) => (c["closed-ftp:accounts"].analytics.deployRoleArn = "arn:aws-cn:iam::222222222222:role/x"), "closed-ftp:accounts.analytics.deployRoleArn", /partition "aws-cn" does not match region/],
    ["spoke without deploy role", (c) => delete c["closed-ftp:accounts"].analytics.deployRoleArn, "closed-ftp:accounts.analytics.deployRoleArn", /is required \(or add closed-ftp:bootstrap, whose roles every account then uses\)/],
    ["bootstrap naming nobody", (c) => (c["closed-ftp:bootstrap"] = {}), "closed-ftp:bootstrap", /name who may assume the roles: github .* and\/or administratorRoleArns; otherwise nobody could deploy/],
    ["bootstrap state in an undefined account", (c) => (c["closed-ftp:bootstrap"] = { stateAccount: "finance", administratorRoleArns: ["arn:aws:iam::111111111111:role/Admin"] }), "closed-ftp:bootstrap.stateAccount", /account "finance" is not hub or a key of closed-ftp:accounts \(defined: analytics\)/],
    ["bootstrap repository not owner/name", (c) => (c["closed-ftp:bootstrap"] = { github: { repository: "closed-ftp" } }), "closed-ftp:bootstrap.github.repository", /"closed-ftp" is not a GitHub repository as owner\/name/],
    ["bootstrap OIDC provider of another URL", (c) => (c["closed-ftp:bootstrap"] = { github: { repository: "o/r", oidcProviderArn: "arn:aws:iam::111111111111:oidc-provider/accounts.google.com" } }), "closed-ftp:bootstrap.github.oidcProviderArn", /is not the ARN of a token.actions.githubusercontent.com OIDC provider/],
    ["bootstrap OIDC provider outside the state account", (c) => (c["closed-ftp:bootstrap"] = { github: { repository: "o/r", oidcProviderArn: "arn:aws:iam::222222222222:oidc-provider/token.actions.githubusercontent.com" } }), "closed-ftp:bootstrap.github.oidcProviderArn", /is in account 222222222222, but the CI roles live in the hub account 111111111111/],
    ["bootstrap administrator outside the estate", (c) => (c["closed-ftp:bootstrap"] = { administratorRoleArns: ["arn:aws:iam::999999999999:role/Admin"] }), "closed-ftp:bootstrap.administratorRoleArns[0]", /is in account 999999999999, outside the estate \(111111111111, 222222222222\)/],
    ["bootstrap unknown key", (c) => (c["closed-ftp:bootstrap"] = { administratorRoleArns: ["arn:aws:iam::111111111111:role/Admin"], repo: "x" }), "closed-ftp:bootstrap.repo", /unknown key "repo"/],
    ["spoke reusing the hub account", (c) => { c["closed-ftp:accounts"].analytics.accountId = "111111111111"; c["closed-ftp:accounts"].analytics.deployRoleArn = "arn:aws:iam::111111111111:role/x"; }, "closed-ftp:accounts.analytics.accountId", /already the hub account/],
    ["spoke key named hub", (c) => (c["closed-ftp:accounts"].hub = c["closed-ftp:accounts"].analytics), "closed-ftp:accounts.hub", /not "hub"/],
    ["both an existing VPC and a CIDR", (c) => (c["closed-ftp:network"].cidrBlock = "10.80.0.0/16"), "closed-ftp:network", /not both/],
    ["neither an existing VPC nor a CIDR", (c) => (c["closed-ftp:network"] = { allowedCidrs: ["10.10.0.0/16"] }), "closed-ftp:network", /give an existing VPC .* or a CIDR/],
    ["VPC id without subnets", (c) => delete c["closed-ftp:network"].subnetIds, "closed-ftp:network.subnetIds", /is required with vpcId/],
    ["malformed VPC id", (c) => (c["closed-ftp:network"].vpcId = "vpc-xyz"), "closed-ftp:network.vpcId", /is not a VPC id/],
    ["malformed subnet id", (c) => (c["closed-ftp:network"].subnetIds = ["subnet-1"]), "closed-ftp:network.subnetIds[0]", /is not a subnet id/],
    ["duplicate subnet", (c) => (c["closed-ftp:network"].subnetIds = ["subnet-0aaaaaaaaaaaaaaaa", "subnet-0aaaaaaaaaaaaaaaa"]), "closed-ftp:network.subnetIds", /lists a subnet twice/],
    ["new VPC CIDR too large", (c) => (c["closed-ftp:network"] = { cidrBlock: "10.0.0.0/8", allowedCidrs: ["10.10.0.0/16"] }), "closed-ftp:network.cidrBlock", /from \/16 to \/24/],
    ["allowed CIDR open to the world", (c) => (c["closed-ftp:network"].allowedCidrs = ["0.0.0.0/0"]), "closed-ftp:network.allowedCidrs[0]", /admits the whole internet/],
    ["allowed CIDR ::/0", (c) => (c["closed-ftp:network"].allowedCidrs = ["::/0"]), "closed-ftp:network.allowedCidrs[0]", /admits the whole internet/],
    ["allowed CIDR not a network address", (c) => (c["closed-ftp:network"].allowedCidrs = ["10.10.0.1/16"]), "closed-ftp:network.allowedCidrs[0]", /did you mean 10\.10\.0\.0\/16/],
    ["allowed CIDR not a CIDR", (c) => (c["closed-ftp:network"].allowedCidrs = ["10.10.0.0"]), "closed-ftp:network.allowedCidrs[0]", /is not a CIDR block/],
    ["no allowed CIDRs", (c) => (c["closed-ftp:network"].allowedCidrs = []), "closed-ftp:network.allowedCidrs", /nobody could connect/],
    ["SFTP protocol", (c) => (c["closed-ftp:server"].protocols = ["SFTP"]), "closed-ftp:server.protocols[0]", /is not FTP or FTPS/],
    ["FTPS without certificate", (c) => (c["closed-ftp:server"].protocols = ["FTP", "FTPS"]), "closed-ftp:server.certificateArn", /is required when protocols include FTPS/],
    ["certificate without FTPS", (c) => (c["closed-ftp:server"].certificateArn = FTPS_CERT), "closed-ftp:server.certificateArn", /it would be ignored/],
    ["certificate in another region", (c) => { c["closed-ftp:server"].protocols = ["FTPS"]; c["closed-ftp:server"].certificateArn = FTPS_CERT.replace("ap-northeast-1", "us-east-1"); }, "closed-ftp:server.certificateArn", /must be in the hub account 111111111111 and region ap-northeast-1/],
    ["passive IP not an address", (c) => (c["closed-ftp:server"].passiveIp = "example.com"), "closed-ftp:server.passiveIp", /is not AUTO or an IPv4 address/],
    ["log retention CloudWatch does not offer", (c) => (c["closed-ftp:server"].logRetentionDays = 45), "closed-ftp:server.logRetentionDays", /one of CloudWatch's retention periods/],
    ["idpVpcAttached not a boolean", (c) => (c["closed-ftp:server"].idpVpcAttached = "yes"), "closed-ftp:server.idpVpcAttached", /expected boolean, got string "yes"/],
    ["bucket in an undefined account", (c) => (c["closed-ftp:buckets"][1].account = "finance"), "closed-ftp:buckets[1].account", /account "finance" is not defined in closed-ftp:accounts \(defined: analytics/],
    ["bucket encryption unknown", (c) => (c["closed-ftp:buckets"][1].encryption = "aes"), "closed-ftp:buckets[1].encryption", /"aes" is not s3 or kms/],
    ["bucket name with capitals", (c) => (c["closed-ftp:buckets"][0].name = "Inbox"), "closed-ftp:buckets[0].name", /must be 3-42 lowercase/],
    ["bucket defined twice", (c) => c["closed-ftp:buckets"].push({ name: "inbox" }), "closed-ftp:buckets[2].name", /defined twice/],
    ["physical bucket name shaped like an IP", (c) => (c["closed-ftp:buckets"][0].bucketName = "192.168.1.1"), "closed-ftp:buckets[0].bucketName", /may not look like an IP address/],
    ["no buckets", (c) => (c["closed-ftp:buckets"] = []), "closed-ftp:buckets", /define at least one bucket/],
    ["user name outside Transfer's pattern", (c) => (c["closed-ftp:users"][0].userName = "a b"), "closed-ftp:users[0].userName", /does not match Transfer's user name pattern/],
    ["user defined twice", (c) => c["closed-ftp:users"].push({ userName: "user1", home: "inbox/other" }), "closed-ftp:users[2].userName", /user "user1" is defined twice/],
    ["home in an undefined bucket", (c) => (c["closed-ftp:users"][1].home = "analytics/partner-a"), "closed-ftp:users[1].home", /bucket "analytics" is not defined in closed-ftp:buckets/],
    ["home without a prefix", (c) => (c["closed-ftp:users"][0].home = "inbox"), "closed-ftp:users[0].home", /needs a prefix after the bucket/],
    ["home with ..", (c) => (c["closed-ftp:users"][0].home = "inbox/../x"), "closed-ftp:users[0].home", /\. or \.\. segment/],
    ["home with a wildcard", (c) => (c["closed-ftp:users"][0].home = "inbox/user*"), "closed-ftp:users[0].home", /would widen the user's grant/],
    ["a home written as a path", (c) => (c["closed-ftp:users"][0].home = "/inbox/user1"), "closed-ftp:users[0].home", /"\/inbox\/user1" starts with "\/": write the bucket's name first, as in inbox\/user1/],
    ["access unknown", (c) => (c["closed-ftp:users"][0].access = "write"), "closed-ftp:users[0].access", /"write" is not read-write or read-only/],
    ["source CIDR outside the allowed networks", (c) => (c["closed-ftp:users"][1].allowedSourceCidrs = ["192.168.0.0/24"]), "closed-ftp:users[1].allowedSourceCidrs[0]", /is outside closed-ftp:network\.allowedCidrs/],
    ["preview role in another account", (c) => (c["closed-ftp:accounts"].analytics.previewRoleArn = "arn:aws:iam::111111111111:role/closed-ftp-preview"), "closed-ftp:accounts.analytics.previewRoleArn", /role is in account 111111111111, but the account is 222222222222/],
    ["hub preview role not a role ARN", (c) => (c["closed-ftp:hub"].previewRoleArn = "closed-ftp-preview"), "closed-ftp:hub.previewRoleArn", /is not an IAM role ARN/],
    ["an existing endpoint that closed-ftp does not use", (c) => (c["closed-ftp:network"].existingEndpoints = ["s3"]), "closed-ftp:network.existingEndpoints[0]", /"s3" is not sts or secretsmanager/],
    ["an existing endpoint listed twice", (c) => (c["closed-ftp:network"].existingEndpoints = ["sts", "sts"]), "closed-ftp:network.existingEndpoints", /lists an endpoint twice/],
    ["existing endpoints for a new VPC", (c) => { c["closed-ftp:network"] = { cidrBlock: "10.80.0.0/16", existingEndpoints: ["sts"], allowedCidrs: ["10.10.0.0/16"] }; }, "closed-ftp:network.existingEndpoints", /only an existing VPC/],
    ["a Secrets Manager endpoint the IdP does not use", (c) => { c["closed-ftp:network"].existingEndpoints = ["secretsmanager"]; c["closed-ftp:server"].idpVpcAttached = false; }, "closed-ftp:network.existingEndpoints", /idpVpcAttached is false/],
    ["more IPv4 client ranges than the endpoint's security groups hold", (c) => (c["closed-ftp:network"].allowedCidrs = Array.from({ length: 151 }, (_, i) => `10.${i}.0.0/16`)), "closed-ftp:network.allowedCidrs", /151 IPv4 CIDRs; at most 145 fit/],
    ["a client range listed twice", (c) => (c["closed-ftp:network"].allowedCidrs = ["10.10.0.0/16", "10.20.0.0/16", "10.10.0.0/16"]), "closed-ftp:network.allowedCidrs[2]", /"10\.10\.0\.0\/16" is listed twice \(first at \[0\]\)/],
    ["an IPv6 range in upper case", (c) => (c["closed-ftp:network"].allowedCidrs = ["10.10.0.0/16", "2001:DB8::/32"]), "closed-ftp:network.allowedCidrs[1]", /not in canonical form; write 2001:db8::\/32/],
    ["an IPv4 range in octal", (c) => (c["closed-ftp:network"].allowedCidrs = ["010.10.0.0/16"]), "closed-ftp:network.allowedCidrs[0]", /not written as four decimal parts/],
    ["an IPv4 range in hex", (c) => (c["closed-ftp:network"].allowedCidrs = ["0xa.10.0.0/16"]), "closed-ftp:network.allowedCidrs[0]", /not written as four decimal parts/],
    ["half the internet as a client range", (c) => (c["closed-ftp:network"].allowedCidrs = ["0.0.0.0/1", "128.0.0.0/1"]), "closed-ftp:network.allowedCidrs[0]", /wider than \/8/],
    ["a public CIDR for a new VPC", (c) => { c["closed-ftp:network"] = { cidrBlock: "8.8.0.0/16", allowedCidrs: ["10.10.0.0/16"] }; }, "closed-ftp:network.cidrBlock", /is not a private range/],
    ["an unconnectable passive IP", (c) => (c["closed-ftp:server"].passiveIp = "0.0.0.0"), "closed-ftp:server.passiveIp", /not an address a client can connect to/],
    ["a bucket in an account named after an Object property", (c) => (c["closed-ftp:buckets"][1].account = "constructor"), "closed-ftp:buckets[1].account", /account "constructor" is not defined/],
    ["a password under __proto__", (c) => (c["closed-ftp:passwords"] = JSON.parse('{"__proto__": "long-enough-password"}')), "closed-ftp:passwords.__proto__", /is not a user defined/],
    ["an IdP that could serve no login", (c) => (c["closed-ftp:server"].idpReservedConcurrency = 0), "closed-ftp:server.idpReservedConcurrency", /0 would stop every login/],
    ["password version 0", (c) => (c["closed-ftp:users"][0].passwordVersion = 0), "closed-ftp:users[0].passwordVersion", /must be 1 or more/],
    ["password version as text", (c) => (c["closed-ftp:users"][0].passwordVersion = "2"), "closed-ftp:users[0].passwordVersion", /expected a whole number from 1, got string "2"/],
    ["password for an unknown user", (c) => (c["closed-ftp:passwords"] = { ghost: "long-enough-password" }), "closed-ftp:passwords.ghost", /is not a user defined/],
    ["a zone name where a zone id belongs", (c) => (c["closed-ftp:network"] = { cidrBlock: "10.80.0.0/16", availabilityZoneIds: ["ap-northeast-1a"], allowedCidrs: ["10.10.0.0/16"] }), "closed-ftp:network.availabilityZoneIds[0]", /is not an availability zone id \(like apne1-az1; a zone name such as ap-northeast-1a maps to different zones per account\)/],
    ["a zone listed twice", (c) => (c["closed-ftp:network"] = { cidrBlock: "10.80.0.0/16", availabilityZoneIds: ["apne1-az1", "apne1-az1"], allowedCidrs: ["10.10.0.0/16"] }), "closed-ftp:network.availabilityZoneIds", /lists a zone twice/],
    ["a zone count that contradicts the zone ids", (c) => (c["closed-ftp:network"] = { cidrBlock: "10.80.0.0/16", availabilityZones: 3, availabilityZoneIds: ["apne1-az1", "apne1-az4"], allowedCidrs: ["10.10.0.0/16"] }), "closed-ftp:network.availabilityZones", /is 3 but availabilityZoneIds names 2/],
    ["zone ids for an existing VPC", (c) => (c["closed-ftp:network"].availabilityZoneIds = ["apne1-az1"]), "closed-ftp:network.availabilityZoneIds", /is for a new VPC/],
    ["an unknown removal policy", (c) => (c["closed-ftp:buckets"][0].removalPolicy = "delete"), "closed-ftp:buckets[0].removalPolicy", /"delete" is not protect, retain or destroy/],
    ["a lifecycle of zero days", (c) => (c["closed-ftp:buckets"][0].lifecycle = { noncurrentVersionsExpireAfterDays: 0 }), "closed-ftp:buckets[0].lifecycle.noncurrentVersionsExpireAfterDays", /must be 1 or more: S3 takes a positive number of days/],
    ["a lifecycle of half a day", (c) => (c["closed-ftp:buckets"][0].lifecycle = { abortIncompleteUploadsAfterDays: 0.5 }), "closed-ftp:buckets[0].lifecycle.abortIncompleteUploadsAfterDays", /whole number of days/],
    ["a misspelt lifecycle key", (c) => (c["closed-ftp:buckets"][0].lifecycle = { expireAfterDays: 30 }), "closed-ftp:buckets[0].lifecycle.expireAfterDays", /unknown key/],
    ["a former name that a bucket has now", (c) => (c["closed-ftp:buckets"][0].formerNames = ["analytics-drop"]), "closed-ftp:buckets[0].formerNames[0]", /is the name of a bucket defined now/],
    ["a former name listed twice", (c) => (c["closed-ftp:buckets"][0].formerNames = ["old-drop", "old-drop"]), "closed-ftp:buckets[0].formerNames[1]", /"old-drop" is listed twice/],
    ["one former name for two buckets", (c) => { c["closed-ftp:buckets"][0].formerNames = ["old-drop"]; c["closed-ftp:buckets"][1].formerNames = ["old-drop"]; }, "closed-ftp:buckets[1].formerNames[0]", /already a former name of bucket "inbox"/],
    ["a banner with a non-ASCII character", (c) => (c["closed-ftp:server"].preAuthenticationBanner = "Willkommen – nur für Partner"), "closed-ftp:server.preAuthenticationBanner", /holds U\+2013 at character 12: Transfer takes printable ASCII, tabs and line breaks only/],
    ["a banner over Transfer's limit", (c) => (c["closed-ftp:server"].postAuthenticationBanner = "x".repeat(4097)), "closed-ftp:server.postAuthenticationBanner", /at most 4096 characters/],
    ["an empty banner", (c) => (c["closed-ftp:server"].postAuthenticationBanner = ""), "closed-ftp:server.postAuthenticationBanner", /is empty: leave it out/],
    ["a record name with capitals", (c) => (c["closed-ftp:dns"] = { recordName: "FTP.corp.example.com", zoneId: "Z0123456789ABCDEFGHIJ" }), "closed-ftp:dns.recordName", /has capitals: .*write ftp\.corp\.example\.com/],
    ["a record name with a final dot", (c) => (c["closed-ftp:dns"] = { recordName: "ftp.corp.example.com.", zoneId: "Z0123456789ABCDEFGHIJ" }), "closed-ftp:dns.recordName", /ends with a dot/],
    ["a record name label over 63", (c) => (c["closed-ftp:dns"] = { recordName: `${"a".repeat(64)}.example.com`, zoneId: "Z0123456789ABCDEFGHIJ" }), "closed-ftp:dns.recordName", /label "a{64}": each label is 1 to 63/],
    ["a wildcard record", (c) => (c["closed-ftp:dns"] = { recordName: "*.corp.example.com", zoneId: "Z0123456789ABCDEFGHIJ" }), "closed-ftp:dns.recordName", /is a wildcard/],
    ["a zone id with its path", (c) => (c["closed-ftp:dns"] = { recordName: "ftp.corp.example.com", zoneId: "/hostedzone/Z0123456789ABCDEFGHIJ" }), "closed-ftp:dns.zoneId", /write the zone id alone: Z0123456789ABCDEFGHIJ/],
    ["a zone in an undefined account", (c) => (c["closed-ftp:dns"] = { recordName: "ftp.corp.example.com", zoneId: "Z0123456789ABCDEFGHIJ", account: "network" }), "closed-ftp:dns.account", /account "network" is not hub or a key of closed-ftp:accounts \(defined: analytics\)/],
    ["an alarm threshold of zero", (c) => (c["closed-ftp:alarms"] = { failedLogins: { threshold: 0 } }), "closed-ftp:alarms.failedLogins.threshold", /must be more than 0/],
    ["a duration alarm past the IdP's timeout", (c) => (c["closed-ftp:alarms"] = { idpDuration: { threshold: 12000 } }), "closed-ftp:alarms.idpDuration.threshold", /at most 10000 milliseconds/],
    ["an unknown alarm", (c) => (c["closed-ftp:alarms"] = { failedLogin: { threshold: 5 } }), "closed-ftp:alarms.failedLogin", /unknown key/],
    ["emails with an existing topic", (c) => (c["closed-ftp:alarms"] = { topicArn: "arn:aws:sns:ap-northeast-1:111111111111:ops", emails: ["ops@example.com"] }), "closed-ftp:alarms.emails", /subscribe to the stack's own topic/],
    ["a topic in another region", (c) => (c["closed-ftp:alarms"] = { topicArn: "arn:aws:sns:us-east-1:111111111111:ops" }), "closed-ftp:alarms.topicArn", /publish only to topics of their own region, ap-northeast-1/],
    ["an email listed twice", (c) => (c["closed-ftp:alarms"] = { emails: ["ops@example.com", "ops@example.com"] }), "closed-ftp:alarms.emails[1]", /is listed twice/],
    ["a reserved tag key", (c) => (c["closed-ftp:tags"] = { project: "payroll" }), "closed-ftp:tags.project", /"project" is reserved: closed-ftp sets Project, Stack, Account, Name/],
    ["an aws: tag key", (c) => (c["closed-ftp:tags"] = { "aws:cost": "1" }), "closed-ftp:tags.aws:cost", /starts with "aws:", which AWS reserves/],
    ["a tag value that YAML read as a number", (c) => (c["closed-ftp:tags"] = { CostCenter: 4711 }), "closed-ftp:tags.CostCenter", /expected a string value, got number 4711 \(quote it: "4711"\)/],
    ["a tag value over 256", (c) => (c["closed-ftp:tags"] = { Owner: "x".repeat(257) }), "closed-ftp:tags.Owner", /at most 256 characters/],
    ["too many tags", (c) => (c["closed-ftp:tags"] = Object.fromEntries(Array.from({ length: 44 }, (_, i) => [`Tag${i}`, "v"]))), "closed-ftp:tags", /44 tags; at most 43 fit/],
    ["eventBridge that is not a boolean", (c) => (c["closed-ftp:buckets"][0].eventBridge = "yes"), "closed-ftp:buckets[0].eventBridge", /expected true or false, got string "yes"/],
    ["password too short", (c) => (c["closed-ftp:passwords"] = { user1: "short" }), "closed-ftp:passwords.user1", /at least 12 characters \(value not shown\)/],
];

describe("stack config", () => {
    it("parses the documented example into the typed model, with defaults filled in", () => {
        const expected: StackModel = {
            region: "ap-northeast-1",
            hub: { key: "hub", accountId: "111111111111", deployRoleArn: "arn:aws:iam::111111111111:role/closed-ftp-deploy" },
            spokes: [{ key: "analytics", accountId: "222222222222", deployRoleArn: "arn:aws:iam::222222222222:role/closed-ftp-deploy" }],
            network: { kind: "existing", vpcId: "vpc-0123456789abcdef0", subnetIds: ["subnet-0aaaaaaaaaaaaaaaa", "subnet-0bbbbbbbbbbbbbbbb"], existingEndpoints: [], allowedCidrs: ["10.10.0.0/16"] },
            server: { protocols: ["FTP"], passiveIp: "AUTO", idpVpcAttached: true, logRetentionDays: 90, securityPolicyName: "TransferSecurityPolicy-2024-01" },
            buckets: [
                { name: "inbox", account: "hub", encryption: "s3", removalPolicy: "protect", formerNames: [], lifecycle: { abortIncompleteUploadsAfterDays: 7, noncurrentVersionsExpireAfterDays: 30 }, eventBridge: false },
                { name: "analytics-drop", account: "analytics", encryption: "kms", removalPolicy: "protect", formerNames: [], lifecycle: { abortIncompleteUploadsAfterDays: 7, noncurrentVersionsExpireAfterDays: 30 }, eventBridge: false },
            ],
            users: [
                { userName: "user1", bucket: "inbox", prefix: "user1", access: "read-write" },
                { userName: "partner-a", bucket: "analytics-drop", prefix: "partner-a", access: "read-only", allowedSourceCidrs: ["10.10.1.0/24"] },
            ],
            // Every alarm on, at the defaults for a small estate; the dashboard on; no organisation tags.
            alarms: {
                failedLogins: { enabled: true, threshold: 10, evaluationPeriods: 1 }, idpErrors: { enabled: true, threshold: 1, evaluationPeriods: 1 },
                idpThrottles: { enabled: true, threshold: 1, evaluationPeriods: 1 }, idpDuration: { enabled: true, threshold: 8000, evaluationPeriods: 1 },
            },
            dashboard: true,
            tags: {},
            passwords: {},
        };
        assert.deepStrictEqual(parseStackConfig(example()), expected);
    });

    it("accepts homes that users share or nest: an auditor in a writer's folder, a reader of a parent prefix", () => {
        const model = parseStackConfig(variant((c) => c["closed-ftp:users"].push(
            { userName: "auditor", home: "inbox/user1", access: "read-only" },
            { userName: "team-a", home: "inbox/team/a" },
            { userName: "team-reader", home: "inbox/team", access: "read-only" },
        )));
        assert.deepStrictEqual(model.users.map((u) => [u.userName, u.bucket, u.prefix, u.access]).slice(2), [
            ["auditor", "inbox", "user1", "read-only"], ["team-a", "inbox", "team/a", "read-write"], ["team-reader", "inbox", "team", "read-only"],
        ]);
    });

    it("names the case of a lowercase protocol, once, with no follow-on about the certificate", () => {
        const issues = issuesOf(variant((c) => (c["closed-ftp:server"] = { protocols: ["ftp", "ftps"], certificateArn: FTPS_CERT })));
        assert.deepStrictEqual(issues.map((i) => [i.path, i.message]), [
            ["closed-ftp:server.protocols[0]", "\"ftp\" must be written in capitals, as Transfer names it: FTP"],
            ["closed-ftp:server.protocols[1]", "\"ftps\" must be written in capitals, as Transfer names it: FTPS"],
        ]);
    });

    it("refuses a home written as a path with one message, not a follow-on about bucket \"\"", () => {
        const issues = issuesOf(variant((c) => (c["closed-ftp:users"][0].home = "/inbox/user1")));
        assert.deepStrictEqual(issues.filter((i) => i.path === "closed-ftp:users[0].home").length, 1, JSON.stringify(issues));
    });

    it("accepts a new isolated VPC from a CIDR, and FTPS with a certificate", () => {
        const model = parseStackConfig(variant((c) => {
            c["closed-ftp:network"] = { cidrBlock: "10.80.0.0/16", allowedCidrs: ["10.10.0.0/16", "2001:db8::/32"] };
            c["closed-ftp:server"] = { protocols: ["FTP", "FTPS"], certificateArn: FTPS_CERT };
        }));
        assert.deepStrictEqual(model.network, { kind: "new", cidrBlock: "10.80.0.0/16", availabilityZones: 2, allowedCidrs: ["10.10.0.0/16", "2001:db8::/32"] });
        assert.strictEqual(model.server.certificateArn, FTPS_CERT);
    });

    for (const [title, edit, path, message] of BAD) {
        it(`refuses ${title}: ${path}`, () => {
            const issues = issuesOf(variant(edit));
            const match = issues.find((i) => i.path === path);
            assert.ok(match, `no issue at ${path}; got ${JSON.stringify(issues)}`);
            assert.match(match.message, message);
        });
    }

    it(`covers at least 30 bad configs (has ${BAD.length})`, () => assert.ok(BAD.length >= 30));

    it("reports every problem at once, before anything is deployed", () => {
        const issues = issuesOf(variant((c) => {
            c["closed-ftp:hub"].accountId = "12";
            c["closed-ftp:network"].allowedCidrs = ["0.0.0.0/0"];
            c["closed-ftp:server"].protocols = ["FTPS"];
            c["closed-ftp:buckets"][1].account = "finance";
            c["closed-ftp:users"][0].userName = "x";
            c["closed-ftp:users"][1].home = "nowhere/partner-a";
        }));
        assert.deepStrictEqual(issues.map((i) => i.path).sort(), [
            "closed-ftp:buckets[1].account", "closed-ftp:hub.accountId", "closed-ftp:network.allowedCidrs[0]",
            "closed-ftp:server.certificateArn", "closed-ftp:users[0].userName", "closed-ftp:users[1].home",
        ]);
        const error = new ConfigValidationError(issues);
        assert.match(error.message, /has 6 problems/);
    });

    it("refuses a password kept in plain text in the stack file, naming the key, and takes it as a secret", () => {
        const config = variant((c) => (c["closed-ftp:passwords"] = { user1: "a-long-password-1" }));
        config["closed-ftp:passwords.partner-a"] = "a-long-password-2";
        const refused = (() => {
            try {
                parseStackConfig(config, new Set(["closed-ftp:passwords"]));
            } catch (err) {
                return (err as ConfigValidationError).issues;
            }
            return [];
        })();
        assert.deepStrictEqual(refused.map((i) => i.path), ["closed-ftp:passwords.partner-a"]);
        assert.match(refused[0].message, /is plain text in the stack file, and so in git: set it with pulumi config set --secret --path 'closed-ftp:passwords\["partner-a"\]' \(value not shown\)/);
        assert.ok(!JSON.stringify(refused).includes("a-long-password-2"));
        assert.doesNotThrow(() => parseStackConfig(config, new Set(["closed-ftp:passwords", "closed-ftp:passwords.partner-a"])));
    });

    it("never shows a password in an error", () => {
        const issues = issuesOf(variant((c) => (c["closed-ftp:passwords"] = { user1: "hunter2", ghost: "SuperSecretValue99" })));
        const text = JSON.stringify(issues);
        assert.ok(!text.includes("hunter2") && !text.includes("SuperSecretValue99"), text);
    });

    it("reads the running program's config, JSON values and flat password keys included", () => {
        const raw = example();
        const config: Record<string, string> = {};
        for (const [k, v] of Object.entries(raw)) config[k] = typeof v === "string" ? v : JSON.stringify(v);
        config["closed-ftp:passwords"] = JSON.stringify({ user1: "a-long-password-1" });
        config["closed-ftp:passwords.partner-a"] = "a-long-password-2";
        config["other:key"] = "ignored";
        // YAML's booleans arrive as the strings "true" and "false".
        config["closed-ftp:dashboard"] = "false";
        config["closed-ftp:testClient"] = "true";
        // As the CLI's language host hands them to the program: the config, and its secret keys in the environment.
        pulumi.runtime.setAllConfig(config, ["closed-ftp:passwords", "closed-ftp:passwords.partner-a"]);
        process.env.PULUMI_CONFIG_SECRET_KEYS = JSON.stringify(["closed-ftp:passwords", "closed-ftp:passwords.partner-a"]);
        try {
            const model = readStackConfig();
            assert.deepStrictEqual(model.passwords, { user1: "a-long-password-1", "partner-a": "a-long-password-2" });
            assert.strictEqual(model.users.length, 2);
            assert.strictEqual(model.dashboard, false);
            assert.deepStrictEqual(model.testClient, { cidrBlock: "10.254.0.0/24", instanceType: "t3.micro" });
            // The engine's secret keys decide: the same value, not marked secret, is refused.
            process.env.PULUMI_CONFIG_SECRET_KEYS = JSON.stringify(["closed-ftp:passwords"]);
            assert.throws(() => readStackConfig(), (err: unknown) => err instanceof ConfigValidationError && err.issues.map((i) => i.path).join() === "closed-ftp:passwords.partner-a");
        } finally {
            pulumi.runtime.setAllConfig({}, []);
            delete process.env.PULUMI_CONFIG_SECRET_KEYS;
        }
    });

    it("answers every wrong value of every key with a message of ours, never the validator's default text", () => {
        // Where a path names a list entry or a map key, the example's first one.
        const setAt = (config: Record<string, unknown>, key: string, value: unknown) => {
            const [namespaceKey, ...rest] = key.replace(/\[\]/g, ".0").replace(".<key>", ".analytics").replace(".<user>", ".user1").split(/\.(?![^:]*:)/);
            if (rest.length === 0) return void (config[namespaceKey] = value);
            let node = (config[namespaceKey] ??= namespaceKey.endsWith("passwords") ? {} : {}) as Record<string, unknown>;
            for (const part of rest.slice(0, -1)) node = (node[part] ??= {}) as Record<string, unknown>;
            node[rest[rest.length - 1]] = value;
        };
        const hostile = [-1, 0, 1.5, 10 ** 9, "", "x", true, [], ["x"], {}, null];
        const defaults = /^(Too (big|small)|Invalid (input|option|string|number|type|element|key)|Expected|Unrecognized|Required)|expected (number|string|array|boolean) to be/;
        const found: string[] = [];
        for (const key of schemaKeys()) {
            for (const value of hostile) {
                const config = example();
                setAt(config, key.replace("closed-ftp:passwords.<user>", "closed-ftp:passwords.user1"), value);
                for (const issue of issuesOf(config)) if (defaults.test(issue.message)) found.push(`${key} = ${JSON.stringify(value)} → ${issue.path}: ${issue.message}`);
            }
        }
        assert.deepStrictEqual([...new Set(found)], []);
    });

    it("documents every key the schema accepts, and only those", () => {
        assert.deepStrictEqual(CONFIG_REFERENCE.map((r) => r.key).sort(), schemaKeys().sort());
    });

    it("keeps README.md's configuration reference in step with the schema", () => {
        const readme = fs.readFileSync(path.join(__dirname, "..", "..", "README.md"), "utf8");
        const block = /<!-- config-reference:start -->\n([\s\S]*?)\n<!-- config-reference:end -->/.exec(readme);
        assert.ok(block, "README.md lacks the config-reference markers");
        assert.strictEqual(block[1], referenceMarkdown(), "README's table is stale: replace it with referenceMarkdown() from stacks/config-reference.ts");
    });
});
