import * as assert from "assert";
import { authenticate, Decision, Reason, TransferResponse } from "../authenticate";
import { DUMMY_PASSWORD_HASH, hashPassword, verifyPassword } from "../password-hash";
import { SecretStore } from "../secret-store";

const SERVER = "s-0123456789abcdef0";
const ROLE = "arn:aws:iam::111111111111:role/ftp-access-role";
const SALT = Buffer.alloc(16, 7);
const HASH = hashPassword("right-password-1", SALT);
const HOME = JSON.stringify([{ Entry: "/", Target: "/bucket/user1" }]);
const POLICY = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::bucket/user1/*" }] });

function storeWith(secrets: Record<string, unknown>, failing = false): SecretStore {
    return {
        async getSecretString(name) {
            if (failing) throw new Error("connect ETIMEDOUT");
            const value = secrets[name];
            return value === undefined ? undefined : typeof value === "string" ? value : JSON.stringify(value);
        },
    };
}

const event = (over: Record<string, unknown> = {}) => ({ username: "user1", password: "right-password-1", protocol: "FTP", serverId: SERVER, sourceIp: "10.10.1.5", ...over });
const secretOf = (over: Record<string, unknown> = {}) => ({ [`aws/transfer/${SERVER}/user1`]: { PasswordHash: HASH, Role: ROLE, Policy: POLICY, HomeDirectoryDetails: HOME, ...over } });

interface Row { title: string; event: unknown; secrets?: Record<string, unknown>; failing?: boolean; reason: Reason; response?: TransferResponse }

const rows: Row[] = [
    { title: "grants the right hashed password a logical home, role and session policy", event: event(), reason: "password-ok",
        response: { Role: ROLE, Policy: POLICY, HomeDirectoryDetails: HOME, HomeDirectoryType: "LOGICAL" } },
    { title: "grants a seed-format plaintext Password (compatible)", event: event(), secrets: secretOf({ PasswordHash: undefined, Password: "right-password-1" }), reason: "password-ok",
        response: { Role: ROLE, Policy: POLICY, HomeDirectoryDetails: HOME, HomeDirectoryType: "LOGICAL" } },
    { title: "prefers PasswordHash over Password when both are present", event: event({ password: "old-plaintext" }), secrets: secretOf({ Password: "old-plaintext" }), reason: "wrong-password" },
    { title: "returns HomeDirectoryDetails stored as an array as a string", event: event(), secrets: secretOf({ HomeDirectoryDetails: JSON.parse(HOME) }), reason: "password-ok",
        response: { Role: ROLE, Policy: POLICY, HomeDirectoryDetails: HOME, HomeDirectoryType: "LOGICAL" } },
    { title: "returns a PATH HomeDirectory when there are no details", event: event(), secrets: secretOf({ HomeDirectoryDetails: undefined, HomeDirectory: "/bucket/user1", Policy: undefined }), reason: "password-ok",
        response: { Role: ROLE, HomeDirectory: "/bucket/user1" } },
    { title: "returns PublicKeys for SFTP without a password", event: event({ password: undefined, protocol: "SFTP" }), secrets: secretOf({ PublicKey: "ssh-ed25519 AAAA1, ssh-rsa BBBB2 ,," }), reason: "public-keys",
        response: { Role: ROLE, Policy: POLICY, HomeDirectoryDetails: HOME, HomeDirectoryType: "LOGICAL", PublicKeys: ["ssh-ed25519 AAAA1", "ssh-rsa BBBB2"] } },
    { title: "never returns PublicKeys on password auth", event: event(), secrets: secretOf({ PublicKey: "ssh-ed25519 AAAA1" }), reason: "password-ok",
        response: { Role: ROLE, Policy: POLICY, HomeDirectoryDetails: HOME, HomeDirectoryType: "LOGICAL" } },
    { title: "denies SFTP without a password when the secret has no keys", event: event({ password: "", protocol: "SFTP" }), reason: "no-public-keys" },
    { title: "denies a wrong password", event: event({ password: "wrong-password-1" }), reason: "wrong-password" },
    { title: "denies a wrong plaintext password of another length", event: event({ password: "x" }), secrets: secretOf({ PasswordHash: undefined, Password: "right-password-1" }), reason: "wrong-password" },
    { title: "denies an empty password on FTP", event: event({ password: "" }), reason: "empty-password" },
    { title: "denies a missing password on FTPS", event: event({ password: undefined, protocol: "FTPS" }), reason: "empty-password" },
    { title: "denies a non-object event", event: "user1", reason: "bad-event" },
    { title: "denies a missing username", event: event({ username: undefined }), reason: "bad-event" },
    { title: "denies a non-string password", event: event({ password: 12345 }), reason: "bad-event" },
    { title: "denies a username outside Transfer's pattern", event: event({ username: "../../etc" }), reason: "bad-username" },
    { title: "denies a too-short username", event: event({ username: "ab" }), reason: "bad-username" },
    { title: "denies a server id not shaped s- and 17 hex", event: event({ serverId: "s-0123" }), reason: "bad-server-id" },
    { title: "denies a server id carrying a path", event: event({ serverId: "s-0123456789abcdef0/../x" }), reason: "bad-server-id" },
    { title: "denies an unknown user", event: event({ username: "nobody" }), reason: "no-such-user" },
    { title: "denies when Secrets Manager fails", event: event(), failing: true, reason: "secret-store-error" },
    { title: "denies malformed secret JSON", event: event(), secrets: { [`aws/transfer/${SERVER}/user1`]: "{not json" }, reason: "malformed-secret" },
    { title: "denies a secret that is a JSON array", event: event(), secrets: { [`aws/transfer/${SERVER}/user1`]: "[1]" }, reason: "malformed-secret" },
    { title: "denies a secret without Role (the seed returns Role: '')", event: event(), secrets: secretOf({ Role: undefined }), reason: "no-role" },
    { title: "denies a Role that is not a role ARN", event: event(), secrets: secretOf({ Role: "admin" }), reason: "bad-role" },
    { title: "denies a secret with neither Password nor PasswordHash", event: event(), secrets: secretOf({ PasswordHash: undefined }), reason: "no-password-in-secret" },
    { title: "denies a malformed PasswordHash", event: event(), secrets: secretOf({ PasswordHash: "$scrypt$ln=30,r=8,p=1$AAAA$BBBB" }), reason: "bad-password-hash" },
    { title: "denies malformed HomeDirectoryDetails", event: event(), secrets: secretOf({ HomeDirectoryDetails: "[{\"Entry\":1}]" }), reason: "bad-home-directory" },
    { title: "admits a source IP inside AllowedSourceCidrs", event: event({ sourceIp: "10.10.1.200" }), secrets: secretOf({ AllowedSourceCidrs: ["10.10.1.0/24"] }), reason: "password-ok",
        response: { Role: ROLE, Policy: POLICY, HomeDirectoryDetails: HOME, HomeDirectoryType: "LOGICAL" } },
    { title: "denies a source IP outside AllowedSourceCidrs", event: event({ sourceIp: "10.10.2.1" }), secrets: secretOf({ AllowedSourceCidrs: ["10.10.1.0/24"] }), reason: "source-ip-not-allowed" },
    { title: "reads comma-separated AllowedSourceCidrs and IPv6", event: event({ sourceIp: "2001:db8::5" }), secrets: secretOf({ AllowedSourceCidrs: "10.10.1.0/24, 2001:db8::/32" }), reason: "password-ok",
        response: { Role: ROLE, Policy: POLICY, HomeDirectoryDetails: HOME, HomeDirectoryType: "LOGICAL" } },
    { title: "treats an IPv4-mapped IPv6 source as IPv4", event: event({ sourceIp: "::ffff:10.10.1.9" }), secrets: secretOf({ AllowedSourceCidrs: ["10.10.1.0/24"] }), reason: "password-ok",
        response: { Role: ROLE, Policy: POLICY, HomeDirectoryDetails: HOME, HomeDirectoryType: "LOGICAL" } },
    { title: "denies an unparsable source IP when CIDRs are set", event: event({ sourceIp: "not-an-ip" }), secrets: secretOf({ AllowedSourceCidrs: ["10.10.1.0/24"] }), reason: "source-ip-not-allowed" },
    { title: "denies when AllowedSourceCidrs holds an invalid CIDR", event: event(), secrets: secretOf({ AllowedSourceCidrs: ["10.10.1.0/99"] }), reason: "bad-source-restriction" },
    // 1. everything that restricts or scopes a session fails closed
    ...[["an object", { Version: "2012-10-17", Statement: [] }], ["null", null], ["a number", 7], ["empty", ""], ["unparsable", "{\"Version\":"],
        ["a JSON array", "[]"], ["a JSON string", "\"s3:*\""], ["over 2048 characters", JSON.stringify({ Version: "2012-10-17", Statement: [], Sid: "x".repeat(2048) })],
        ["of an unknown Version", JSON.stringify({ Version: "2099-01-01", Statement: [] })], ["with a non-object statement", JSON.stringify({ Statement: ["Allow"] })]]
        .map(([what, policy]): Row => ({ title: `denies a Policy that is ${what as string} (never the role's full rights)`, event: event(), secrets: secretOf({ Policy: policy }), reason: "bad-policy" })),
    ...[["a relative Entry", [{ Entry: "home", Target: "/bucket/user1" }]], ["an Entry with ..", [{ Entry: "/a/../b", Target: "/bucket/user1" }]],
        ["an Entry with .", [{ Entry: "/./a", Target: "/bucket/user1" }]], ["a relative Target", [{ Entry: "/", Target: "bucket/user1" }]],
        ["a Target with ..", [{ Entry: "/", Target: "/bucket/user1/../user2" }]], ["a Target whose bucket is not a bucket name", [{ Entry: "/", Target: "/Bucket_1/user1" }]],
        ["a Target of /", [{ Entry: "/", Target: "/" }]], ["an extra key", [{ Entry: "/", Target: "/bucket/user1", Type: "EFS" }]], ["no entries", []], ["null", null]]
        .map(([what, details]): Row => ({ title: `denies HomeDirectoryDetails with ${what as string}`, event: event(), secrets: secretOf({ HomeDirectoryDetails: details === null ? null : JSON.stringify(details) }), reason: "bad-home-directory" })),
    { title: "denies a PATH HomeDirectory with ..", event: event(), secrets: secretOf({ HomeDirectoryDetails: undefined, HomeDirectory: "/bucket/user1/../user2" }), reason: "bad-home-directory" },
    { title: "denies a PATH HomeDirectory that is not a string", event: event(), secrets: secretOf({ HomeDirectoryDetails: undefined, HomeDirectory: ["/bucket"] }), reason: "bad-home-directory" },
    { title: "grants a home Target with a trailing slash and a Transfer variable", event: event(), secrets: secretOf({ HomeDirectoryDetails: [{ Entry: "/in", Target: "/bucket/${transfer:UserName}/" }] }), reason: "password-ok",
        response: { Role: ROLE, Policy: POLICY, HomeDirectoryDetails: JSON.stringify([{ Entry: "/in", Target: "/bucket/${transfer:UserName}/" }]), HomeDirectoryType: "LOGICAL" } },
    ...["arn:aws-iso:iam::111111111111:role/r", "arn:awsx:iam::111111111111:role/r", "arn:aws:iam::111111111111:user/r", "arn:aws:iam::11111111111:role/r", `arn:aws:iam::111111111111:role/${"r".repeat(65)}`]
        .map((role): Row => ({ title: `denies Role ${role.slice(0, 40)}… (not a role ARN in aws, aws-cn or aws-us-gov)`, event: event(), secrets: secretOf({ Role: role }), reason: "bad-role" })),
    { title: "denies a Role that is not a string", event: event(), secrets: secretOf({ Role: { Arn: ROLE } }), reason: "bad-role" },
    { title: "grants a role in aws-cn and aws-us-gov", event: event(), secrets: secretOf({ Role: "arn:aws-us-gov:iam::111111111111:role/path/ftp" }), reason: "password-ok",
        response: { Role: "arn:aws-us-gov:iam::111111111111:role/path/ftp", Policy: POLICY, HomeDirectoryDetails: HOME, HomeDirectoryType: "LOGICAL" } },
    // 2. source-address restrictions in every format
    { title: "enforces AcceptedIpNetwork (AWS blog format)", event: event({ sourceIp: "192.0.2.1" }), secrets: secretOf({ AcceptedIpNetwork: "10.10.1.0/24, 10.20.0.0/16" }), reason: "source-ip-not-allowed" },
    { title: "admits a source inside a comma-separated AcceptedIpNetwork", event: event({ sourceIp: "10.20.3.4" }), secrets: secretOf({ AcceptedIpNetwork: "10.10.1.0/24, 10.20.0.0/16" }), reason: "password-ok",
        response: { Role: ROLE, Policy: POLICY, HomeDirectoryDetails: HOME, HomeDirectoryType: "LOGICAL" } },
    { title: "FTPAcceptedIpNetwork takes precedence over AcceptedIpNetwork on FTP", event: event({ sourceIp: "10.10.1.5" }), secrets: secretOf({ AcceptedIpNetwork: "192.0.2.0/24", FTPAcceptedIpNetwork: "10.10.1.0/24" }), reason: "password-ok",
        response: { Role: ROLE, Policy: POLICY, HomeDirectoryDetails: HOME, HomeDirectoryType: "LOGICAL" } },
    { title: "FTPAcceptedIpNetwork does not apply to FTPS, which keeps AcceptedIpNetwork", event: event({ sourceIp: "10.10.1.5", protocol: "FTPS" }), secrets: secretOf({ AcceptedIpNetwork: "192.0.2.0/24", FTPAcceptedIpNetwork: "10.10.1.0/24" }), reason: "source-ip-not-allowed" },
    { title: "FTPSAcceptedIpNetwork restricts FTPS", event: event({ sourceIp: "10.10.1.5", protocol: "FTPS" }), secrets: secretOf({ FTPSAcceptedIpNetwork: "192.0.2.0/24" }), reason: "source-ip-not-allowed" },
    { title: "SFTPAcceptedIpNetwork restricts SFTP key logins", event: event({ password: undefined, protocol: "SFTP", sourceIp: "10.10.1.5" }), secrets: secretOf({ PublicKey: "ssh-ed25519 AAAA1", SFTPAcceptedIpNetwork: "192.0.2.0/24" }), reason: "source-ip-not-allowed" },
    { title: "AllowedSourceCidrs and AcceptedIpNetwork must both admit the source", event: event({ sourceIp: "10.10.1.5" }), secrets: secretOf({ AllowedSourceCidrs: ["10.10.1.0/24"], AcceptedIpNetwork: "10.10.2.0/24" }), reason: "source-ip-not-allowed" },
    ...["010.10.1.0/24", "10.10.1/24", "0x0a.10.1.0/24", "10.10.1.0/024", "10.10.1.5/24", "", "10.10.1.0/24,", "fe80::%eth0/64", "10.10.1.0/33"]
        .map((network): Row => ({ title: `denies an AcceptedIpNetwork of ${JSON.stringify(network)} (a restriction that does not parse)`, event: event(), secrets: secretOf({ AcceptedIpNetwork: network }), reason: "bad-source-restriction" })),
    { title: "denies when another protocol's restriction does not parse", event: event(), secrets: secretOf({ SFTPAcceptedIpNetwork: "not-a-network" }), reason: "bad-source-restriction" },
    { title: "denies a restriction that is not a string or list", event: event(), secrets: secretOf({ AcceptedIpNetwork: 167837952 }), reason: "bad-source-restriction" },
    ...["010.010.001.005", "10.10.261", "0x0a.10.1.5", "10.10.1.5%eth0", "::ffff:010.10.1.5"]
        .map((sourceIp): Row => ({ title: `treats source ${sourceIp} as unparsable, never as 10.10.1.5`, event: event({ sourceIp }), secrets: secretOf({ AcceptedIpNetwork: "10.10.1.0/24" }), reason: "source-ip-not-allowed" })),
    { title: "an IPv4-mapped IPv6 range admits its IPv4 clients", event: event({ sourceIp: "10.10.1.5" }), secrets: secretOf({ AcceptedIpNetwork: "::ffff:10.10.1.0/120" }), reason: "password-ok",
        response: { Role: ROLE, Policy: POLICY, HomeDirectoryDetails: HOME, HomeDirectoryType: "LOGICAL" } },
    { title: "an IPv4-mapped IPv6 range refuses other IPv4 clients", event: event({ sourceIp: "10.10.2.5" }), secrets: secretOf({ AcceptedIpNetwork: "::ffff:10.10.1.0/120" }), reason: "source-ip-not-allowed" },
    // 3. AWS's newer secret format: protocol-specific credentials first
    { title: "FTPPassword takes precedence over Password and PasswordHash on FTP", event: event({ password: "ftp-only-pass-1" }), secrets: secretOf({ FTPPassword: "ftp-only-pass-1", Password: "generic-pass-1" }), reason: "password-ok",
        response: { Role: ROLE, Policy: POLICY, HomeDirectoryDetails: HOME, HomeDirectoryType: "LOGICAL" } },
    { title: "the generic password no longer opens FTP when FTPPassword is set", event: event(), secrets: secretOf({ FTPPassword: "ftp-only-pass-1" }), reason: "wrong-password" },
    { title: "FTPPassword does not open FTPS, which keeps the generic key", event: event({ password: "ftp-only-pass-1", protocol: "FTPS" }), secrets: secretOf({ FTPPassword: "ftp-only-pass-1" }), reason: "wrong-password" },
    { title: "FTPSPassword opens FTPS", event: event({ password: "ftps-pass-1", protocol: "FTPS" }), secrets: secretOf({ FTPSPassword: "ftps-pass-1" }), reason: "password-ok",
        response: { Role: ROLE, Policy: POLICY, HomeDirectoryDetails: HOME, HomeDirectoryType: "LOGICAL" } },
    { title: "SFTPPassword opens SFTP password logins", event: event({ password: "sftp-pass-1", protocol: "SFTP" }), secrets: secretOf({ SFTPPassword: "sftp-pass-1" }), reason: "password-ok",
        response: { Role: ROLE, Policy: POLICY, HomeDirectoryDetails: HOME, HomeDirectoryType: "LOGICAL" } },
    { title: "SFTPPublicKey takes precedence over PublicKey", event: event({ password: undefined, protocol: "SFTP" }), secrets: secretOf({ PublicKey: "ssh-rsa OLD", SFTPPublicKey: "ssh-ed25519 NEW" }), reason: "public-keys",
        response: { Role: ROLE, Policy: POLICY, HomeDirectoryDetails: HOME, HomeDirectoryType: "LOGICAL", PublicKeys: ["ssh-ed25519 NEW"] } },
    { title: "a protocol-specific Role and Policy apply to their protocol", event: event({ password: "ftp-only-pass-1" }), secrets: secretOf({ FTPPassword: "ftp-only-pass-1", FTPRole: "arn:aws:iam::111111111111:role/ftp-only", FTPPolicy: "{}" }), reason: "bad-policy" },
    { title: "a malformed FTPPassword denies rather than falling back to Password", event: event({ password: "generic-pass-1" }), secrets: secretOf({ FTPPassword: 12345, Password: "generic-pass-1" }), reason: "bad-password-in-secret" },
    // 4. protocols
    ...["sftp", "SFTP ", "AS2", "", "FTP\u0000"].map((protocol): Row => ({ title: `denies protocol ${JSON.stringify(protocol)}`, event: event({ password: undefined, protocol }), secrets: secretOf({ PublicKey: "ssh-ed25519 AAAA1" }), reason: "bad-protocol" })),
    { title: "denies FTP without a password even when the secret has public keys", event: event({ password: undefined }), secrets: secretOf({ PublicKey: "ssh-ed25519 AAAA1" }), reason: "empty-password" },
    // 5. passwords that differ never both verify
    { title: "denies a password with a trailing NUL (it would hash like the password without it)", event: event({ password: "right-password-1\u0000" }), reason: "bad-password" },
    { title: "denies a password with a lone surrogate", event: event({ password: "right-password-1\uD800" }), reason: "bad-password" },
    { title: "denies a stored Password with a lone surrogate, which U+FFFD would match", event: event({ password: "pass-\uFFFD" }), secrets: secretOf({ PasswordHash: undefined, Password: "pass-\uDC00" }), reason: "bad-password-in-secret" },
    { title: "denies a PasswordHash above the cost cap", event: event(), secrets: secretOf({ PasswordHash: "$scrypt$ln=20,r=32,p=16$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=" }), reason: "bad-password-hash" },
    // From the red team's review: each of these was a grant.
    { title: "denies an IPv4 client outside the IPv4 range even when an IPv6 range like ::/0 is also listed", event: event({ sourceIp: "203.0.113.9" }), secrets: secretOf({ AcceptedIpNetwork: "10.0.0.0/8, ::/0" }), reason: "source-ip-not-allowed" },
    { title: "admits an IPv4 client inside an IPv4-mapped IPv6 range", event: event({ sourceIp: "10.1.2.3" }), secrets: secretOf({ AcceptedIpNetwork: "::ffff:10.0.0.0/104" }), reason: "password-ok",
        response: { Role: ROLE, Policy: POLICY, HomeDirectoryDetails: HOME, HomeDirectoryType: "LOGICAL" } },
    { title: "treats a deprecated IPv4-compatible source (::10.0.0.5) as unparsable", event: event({ sourceIp: "::10.0.0.5" }), secrets: secretOf({ AcceptedIpNetwork: "10.0.0.0/8" }), reason: "source-ip-not-allowed" },
    { title: "lets a protocol's own home win over the generic one, as its credentials do", event: event(), secrets: secretOf({ FTPHomeDirectory: "/bucket/user1-ftp" }), reason: "password-ok",
        response: { Role: ROLE, Policy: POLICY, HomeDirectory: "/bucket/user1-ftp" } },
    { title: "denies a restriction key misspelt in case (AcceptedIPNetwork), which would be ignored", event: event(), secrets: secretOf({ AcceptedIPNetwork: "192.168.0.0/16" }), reason: "malformed-secret" },
    { title: "denies a key with stray white space (\"Policy \")", event: event(), secrets: secretOf({ "Policy ": "{}" }), reason: "malformed-secret" },
    { title: "denies HomeDirectoryType LOGICAL with only a HomeDirectory (Transfer would use an unconfined PATH home)", event: event(), secrets: secretOf({ HomeDirectoryDetails: undefined, HomeDirectory: "/bucket/user1", HomeDirectoryType: "LOGICAL" }), reason: "bad-home-directory" },
    { title: "denies a session policy whose statement has no Effect", event: event(), secrets: secretOf({ Policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Action: "s3:*", Resource: "*" }] }) }), reason: "bad-policy" },
    { title: "denies a session policy with no statement", event: event(), secrets: secretOf({ Policy: JSON.stringify({ Version: "2012-10-17", Statement: [] }) }), reason: "bad-policy" },
    { title: "denies two mappings of one Entry (which one Transfer applies is undefined)", event: event(), secrets: secretOf({ HomeDirectoryDetails: JSON.stringify([{ Entry: "/", Target: "/bucket/user1" }, { Entry: "/", Target: "/bucket" }]) }), reason: "bad-home-directory" },
    { title: "denies an Entry longer than Transfer's 1024 characters", event: event(), secrets: secretOf({ HomeDirectoryDetails: JSON.stringify([{ Entry: `/${"e".repeat(1024)}`, Target: "/bucket/user1" }]) }), reason: "bad-home-directory" },
    { title: "denies a home in a bucket named like an IP address", event: event(), secrets: secretOf({ HomeDirectoryDetails: undefined, HomeDirectory: "/192.168.1.1/x" }), reason: "bad-home-directory" },
    // From the second review.
    { title: "denies a generic LOGICAL type when the protocol's own home is a PATH (no chroot)", event: event(), secrets: secretOf({ HomeDirectoryType: "LOGICAL", FTPHomeDirectory: "/bucket/user1-ftp" }), reason: "bad-home-directory" },
    ...["AcceptedIpNetworks", "AllowedSourceCidr", "FTP AcceptedIpNetwork", "FTP_AcceptedIpNetwork", "Accepted_Ip_Network", "AcceptedIpNetwor", "AcceptedIpNetwork\u200b", "PublicKeys"].map((key): Row => (
        { title: `denies the near-miss key ${JSON.stringify(key)}`, event: event({ sourceIp: "203.0.113.9" }), secrets: secretOf({ [key]: "10.10.1.0/24" }), reason: "malformed-secret" })),
    { title: "leaves a key far from any of ours alone (a Description)", event: event(), secrets: secretOf({ Description: "partner A's drop" }), reason: "password-ok",
        response: { Role: ROLE, Policy: POLICY, HomeDirectoryDetails: HOME, HomeDirectoryType: "LOGICAL" } },
    { title: "sends on the policy it checked: duplicate keys cannot smuggle a statement-less one", event: event(), secrets: secretOf({ Policy: `{"Version":"2012-10-17","Statement":[],"Statement":${JSON.stringify(JSON.parse(POLICY).Statement)}}` }), reason: "password-ok",
        response: { Role: ROLE, Policy: POLICY, HomeDirectoryDetails: HOME, HomeDirectoryType: "LOGICAL" } },
    { title: "checks the source before the password, so a wrong network learns nothing", event: event({ password: "wrong", sourceIp: "192.0.2.1" }), secrets: secretOf({ AllowedSourceCidrs: ["10.10.1.0/24"] }), reason: "source-ip-not-allowed" },
];

describe("authenticate (decision table)", () => {
    for (const row of rows) {
        it(row.title, async () => {
            const decision: Decision = await authenticate(row.event, storeWith(row.secrets ?? secretOf(), row.failing));
            assert.strictEqual(decision.reason, row.reason);
            assert.strictEqual(decision.granted, row.response !== undefined);
            if (decision.granted) assert.deepStrictEqual(decision.response, row.response);
        });
    }

    it("denies a Role of an unreal partition even for SFTP key logins", async () => {
        const decision = await authenticate(event({ password: undefined, protocol: "SFTP" }), storeWith(secretOf({ PublicKey: "ssh-ed25519 AAAA1", Role: "arn:aws-iso-b:iam::111111111111:role/r" })));
        assert.strictEqual(decision.reason, "bad-role");
    });

    it("tells a hashing failure from a Secrets Manager failure", async () => {
        const brokenHash = await authenticate(event(), storeWith(secretOf()), async () => { throw new Error("scrypt: memory limit exceeded"); });
        const brokenStore = await authenticate(event(), storeWith(secretOf(), true));
        assert.deepStrictEqual([brokenHash.reason, brokenStore.reason], ["hash-error", "secret-store-error"]);
    });

    it("reads only the secret of the event's own server and user", async () => {
        const asked: string[] = [];
        await authenticate(event(), { async getSecretString(name) { asked.push(name); return undefined; } });
        assert.deepStrictEqual(asked, [`aws/transfer/${SERVER}/user1`]);
    });
});

describe("authenticate: no user-enumeration oracle", () => {
    // A verifier that records what it was asked to verify and runs the real check.
    function spy() {
        const calls: string[] = [];
        const verify = async (password: string, encoded: string) => {
            calls.push(encoded);
            return verifyPassword(password, encoded);
        };
        return { calls, verify };
    }
    const defaultCost = (encoded: string) => encoded.startsWith("$scrypt$ln=14,r=8,p=1$");

    const refusals: [string, Record<string, unknown>, Record<string, unknown>, Reason][] = [
        ["an unknown user", { username: "nobody" }, secretOf(), "no-such-user"],
        ["a refused source address", { sourceIp: "192.0.2.1" }, secretOf({ AcceptedIpNetwork: "10.10.1.0/24" }), "source-ip-not-allowed"],
        ["a wrong plaintext password", { password: "wrong-password-1" }, secretOf({ PasswordHash: undefined, Password: "right-password-1" }), "wrong-password"],
        ["a hash above the cost cap", {}, secretOf({ PasswordHash: "$scrypt$ln=20,r=32,p=16$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=" }), "bad-password-hash"],
        // A cheaper (or dearer) hash would take another time than the dummy: which users exist would show.
        ["a hash below the default cost, right password or not", {}, secretOf({ PasswordHash: hashPassword("right-password-1", SALT, { ln: 10 }) }), "bad-password-hash"],
        ["a hash above the default cost but within the cap", { password: "wrong-password-1" }, secretOf({ PasswordHash: "$scrypt$ln=15,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=" }), "bad-password-hash"],
        ["a secret without a password", {}, secretOf({ PasswordHash: undefined }), "no-password-in-secret"],
        ["a malformed secret", {}, { [`aws/transfer/${SERVER}/user1`]: "{" }, "malformed-secret"],
    ];
    for (const [what, over, secrets, reason] of refusals) {
        it(`${what} costs one verification at the default cost, against the dummy hash`, async () => {
            const { calls, verify } = spy();
            const decision = await authenticate(event(over), storeWith(secrets), verify);
            assert.strictEqual(decision.reason, reason);
            assert.deepStrictEqual(calls, [DUMMY_PASSWORD_HASH]);
            assert.ok(defaultCost(DUMMY_PASSWORD_HASH));
        });
    }

    it("a wrong password against a hash costs exactly that one verification", async () => {
        const { calls, verify } = spy();
        const decision = await authenticate(event({ password: "wrong-password-1" }), storeWith(secretOf()), verify);
        assert.strictEqual(decision.reason, "wrong-password");
        assert.deepStrictEqual(calls, [HASH]);
    });

    it("a Secrets Manager failure also costs one verification", async () => {
        const { calls, verify } = spy();
        await authenticate(event(), storeWith(secretOf(), true), verify);
        assert.deepStrictEqual(calls, [DUMMY_PASSWORD_HASH]);
    });
});
