import * as assert from "assert";
import { authenticate, Decision, Reason, TransferResponse } from "../authenticate";
import { hashPassword } from "../password-hash";
import { SecretStore } from "../secret-store";

const SERVER = "s-0123456789abcdef0";
const ROLE = "arn:aws:iam::111111111111:role/ftp-access-role";
const SALT = Buffer.alloc(16, 7);
const HASH = hashPassword("right-password-1", SALT, { ln: 10 });
const HOME = JSON.stringify([{ Entry: "/", Target: "/bucket/user1" }]);
const POLICY = JSON.stringify({ Version: "2012-10-17", Statement: [] });

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
    { title: "denies when AllowedSourceCidrs holds an invalid CIDR", event: event(), secrets: secretOf({ AllowedSourceCidrs: ["10.10.1.0/99"] }), reason: "bad-allowed-cidrs" },
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

    it("reads only the secret of the event's own server and user", async () => {
        const asked: string[] = [];
        await authenticate(event(), { async getSecretString(name) { asked.push(name); return undefined; } });
        assert.deepStrictEqual(asked, [`aws/transfer/${SERVER}/user1`]);
    });
});
