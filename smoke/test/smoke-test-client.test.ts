// `npm run smoke -- --ftp --via test-client`, offline: Run Command through a mocked SSM client, and a
// stand-in instance that opens each sealed password with the key it made, as the real one does with openssl.
import * as assert from "assert";
import { GetCommandInvocationCommand, SendCommandCommand, SSMClient } from "@aws-sdk/client-ssm";
import { mockClient } from "aws-sdk-client-mock";
import * as crypto from "crypto";
import { IdentityProviderTester } from "../identity";
import { runSmoke } from "../run";
import { parseStackOutputs } from "../outputs";
import { CLEAN_UP, PREPARE, RunCommand, ssmRunCommand, TestClientError, testClientRoundTrip, userScript, verdictOf } from "../test-client";
import { outputsDocument } from "./ftp-outputs-fixture";

const INSTANCE = "i-0123456789abcdef0";
const PASSWORDS = { user1: "user1-password-0123456789", auditor: "auditor-password-0123456789", "partner-a": "partner-a-password-0123456789" };

/**
 * An instance as Run Command reaches it: PREPARE makes a key pair and prints its public half; a user's
 * script must open its sealed password with that key; what lftp would answer comes from `answers`.
 */
function standInInstance(answers: (user: string, password: string, script: string) => string) {
    const sent: string[][] = [];
    let privateKey: crypto.KeyObject | undefined;
    const run: RunCommand = {
        async run(commands) {
            sent.push(commands);
            if (commands === PREPARE) {
                const pair = crypto.generateKeyPairSync("rsa", { modulusLength: 2048 });
                privateKey = pair.privateKey;
                return { status: "Success", stdout: String(pair.publicKey.export({ type: "spki", format: "pem" })), stderr: "" };
            }
            if (commands === CLEAN_UP) return { status: "Success", stdout: "", stderr: "" };
            const script = commands.join("\n");
            const sealed = /printf %s '([A-Za-z0-9+/=]+)' \| base64 -d \| openssl pkeyutl -decrypt/.exec(script)?.[1] as string;
            const password = crypto.privateDecrypt({ key: privateKey as crypto.KeyObject, padding: crypto.constants.RSA_PKCS1_OAEP_PADDING, oaepHash: "sha256" }, Buffer.from(sealed, "base64")).toString("utf8");
            const user = /-u '([^']+)'/.exec(script)?.[1] as string;
            return { status: "Success", stdout: answers(user, password, script), stderr: "" };
        },
    };
    return { run, sent };
}

const target = { host: "vpce-0123456789abcdef0-abcdefgh.vpce-svc-0123456789abcdef0.ap-northeast-1.vpce.amazonaws.com", port: 21, secure: false, timeoutMs: 30_000 };

describe("npm run smoke -- --ftp --via test-client (Run Command, mocked)", () => {
    const outputs = parseStackOutputs({
        ...outputsDocument({
            user1: { password: PASSWORDS.user1, access: "read-write" },
            auditor: { password: PASSWORDS.auditor, access: "read-only" },
            "partner-a": { password: PASSWORDS["partner-a"], access: "read-only", bucket: "analytics-drop", allowedSourceCidrs: ["10.10.1.0/24"] },
        }),
        testClient: {
            instanceId: INSTANCE, vpcId: "vpc-0fedcba9876543210", cidrBlock: "10.254.0.0/24", privateIp: "10.254.0.12", peeringConnectionId: "pcx-0123456789abcdef0",
            hubRoutes: { destinationCidrBlock: "10.254.0.0/24", vpcPeeringConnectionId: "pcx-0123456789abcdef0", routeTableIds: [] },
        },
    }, "fixture");
    const transfer: IdentityProviderTester = { testIdentityProvider: async (r) => (r.password === PASSWORDS[r.userName as keyof typeof PASSWORDS]
        ? { statusCode: 200, response: JSON.stringify({ Role: "arn:aws:iam::111111111111:role/closed-ftp-access", HomeDirectoryType: "LOGICAL", HomeDirectoryDetails: JSON.stringify([{ Entry: "/", Target: `/${outputs.users[r.userName].bucketName}/${r.userName}` }]) }) }
        : { statusCode: 200, response: "{}" }) };

    it("runs each user's check on the instance, reports per user, never puts a password in a command, and removes the run's key at the end", async () => {
        const instance = standInInstance((user, password, script) => {
            assert.strictEqual(password, PASSWORDS[user as keyof typeof PASSWORDS], `${user}'s sealed password opened to something else`);
            if (user === "partner-a") return "closed-ftp-smoke login fail Login failed: 530 Login incorrect.\n";
            if (user === "auditor") {
                assert.match(script, /closed-ftp-smoke list/);
                return "closed-ftp-smoke login ok\nclosed-ftp-smoke list ok\nclosed-ftp-smoke put fail put: Access failed: 550 Access denied\n";
            }
            return ["login", "put", "list", "get", "compare", "delete"].map((s) => `closed-ftp-smoke ${s} ok`).join("\n");
        });
        const client = testClientRoundTrip(instance.run, { privateIp: "10.254.0.12", allowedSourceCidrs: (u) => outputs.users[u]?.allowedSourceCidrs });
        const lines: string[] = [];
        const report = await runSmoke(outputs, { source: "fixture", protocol: "FTP", ftp: target }, { transfer, ftp: client.roundTrip, log: (l) => lines.push(l) });
        await client.finish();
        // The identity-provider check is the stub's (its own tests are elsewhere); the round trips are the instance's.
        assert.ok(report.results.every((r) => r.ftp?.ok), lines.join("\n"));
        assert.deepStrictEqual(report.results.map((r) => [r.userName, r.ftp?.detail.split(" (")[0]]), [
            ["user1", "login/put/list/get/compare/delete from the test client"],
            ["auditor", "list, put refused as read-only"],
            ["partner-a", "login refused from the test client, outside allowedSourceCidrs, as it must be"],
        ]);
        // PREPARE once, one command per user, CLEAN_UP last.
        assert.deepStrictEqual([instance.sent[0], instance.sent[instance.sent.length - 1]], [PREPARE, CLEAN_UP]);
        assert.strictEqual(instance.sent.length, 5);
        for (const [user, password] of Object.entries(PASSWORDS)) {
            assert.ok(!instance.sent.flat().some((line) => line.includes(password)), `${user}'s password is in a command`);
            assert.ok(!lines.some((line) => line.includes(password)));
        }
        assert.match(lines.join("\n"), /\[1\/3\] user1 .* ftp ok \(login\/put\/list\/get\/compare\/delete from the test client/);
        assert.match(lines.join("\n"), /\[3\/3\] partner-a .* ftp ok \(login refused from the test client, outside allowedSourceCidrs/);
    });

    it("never echoes an outputs document given as text, passwords and all", () => {
        assert.throws(() => parseStackOutputs(JSON.stringify(outputsDocument({ user1: { password: PASSWORDS.user1, access: "read-write" } })), "fixture"),
            (err: Error) => /got a string of \d+ characters/.test(err.message) && !err.message.includes(PASSWORDS.user1));
    });

    it("fails a user whose round trip breaks, naming the step, and a read-only user whose put went through", () => {
        assert.deepStrictEqual(verdictOf("closed-ftp-smoke login ok\nclosed-ftp-smoke put ok\nclosed-ftp-smoke list ok\nclosed-ftp-smoke get ok\nclosed-ftp-smoke compare fail the file came back different\n", "round trip", 5),
            { ok: false, detail: "compare failed: the file came back different", durationMs: 5 });
        assert.deepStrictEqual(verdictOf("closed-ftp-smoke login ok\nclosed-ftp-smoke list ok\nclosed-ftp-smoke put ok\n", "read-only", 1), { ok: false, detail: "put succeeded for a read-only user", durationMs: 1 });
        assert.deepStrictEqual(verdictOf("closed-ftp-smoke login ok\n", "login refused", 1), { ok: false, detail: "login from the test client succeeded, but the user's allowedSourceCidrs exclude it", durationMs: 1 });
        assert.match(verdictOf("closed-ftp-smoke login fail Login failed: 530\n", "round trip", 1).detail, /^login failed: Login failed: 530/);
        assert.match(verdictOf("bash: lftp: command not found\n", "round trip", 1).detail, /^the test client reported nothing: bash: lftp: command not found/);
        assert.match(verdictOf("closed-ftp-smoke login ok\nclosed-ftp-smoke put ok\n", "round trip", 1).detail, /^list: not reported/);
    });

    it("writes a script that quotes nothing it has not checked, and opens the password only into lftp's environment", () => {
        const probe = { name: "closed-ftp-smoke-20261201T000000Z-0a1b2c.txt", content: Buffer.from("probe") };
        const script = userScript({ target: { ...target, secure: true }, userName: "user1", sealedPassword: "QUJD", probe, expect: "round trip" }).join("\n");
        assert.match(script, /export LFTP_PASSWORD="\$\(printf %s 'QUJD' \| base64 -d \| openssl pkeyutl -decrypt -inkey \/run\/closed-ftp-smoke\/key\.pem/);
        assert.match(script, /lftp --env-password -u 'user1' -p 21 -e "set cmd:fail-exit yes; .*set ftp:ssl-force yes; set ftp:ssl-protect-data yes; set ssl:verify-certificate yes;/);
        assert.match(script, /unset LFTP_PASSWORD$/);
        assert.throws(() => userScript({ target: { ...target, host: "x'; rm -rf /;'" }, userName: "user1", sealedPassword: "QUJD", probe, expect: "round trip" }), TestClientError);
        assert.throws(() => userScript({ target, userName: "user1", sealedPassword: "not base64!", probe, expect: "round trip" }), /not base64/);
        assert.match(PREPARE.join("\n"), /umask 077[\s\S]*openssl genpkey -algorithm RSA/);
    });

    it("sends AWS-RunShellScript to the instance and polls GetCommandInvocation until the command ends", async () => {
        const ssm = mockClient(SSMClient);
        try {
            ssm.on(SendCommandCommand).resolves({ Command: { CommandId: "cmd-1" } });
            ssm.on(GetCommandInvocationCommand)
                .rejectsOnce(Object.assign(new Error("not yet"), { name: "InvocationDoesNotExist" }))
                .resolvesOnce({ Status: "InProgress" })
                .resolves({ Status: "Success", StandardOutputContent: "closed-ftp-smoke login ok\n" });
            const client = new SSMClient({ region: "ap-northeast-1" });
            const result = await ssmRunCommand(client, INSTANCE, { pollMs: 1, sleep: async () => undefined }).run(["echo hi"], 90);
            assert.deepStrictEqual(result, { status: "Success", stdout: "closed-ftp-smoke login ok\n", stderr: "" });
            const input = ssm.commandCalls(SendCommandCommand)[0].args[0].input;
            assert.deepStrictEqual([input.InstanceIds, input.DocumentName, input.Parameters], [[INSTANCE], "AWS-RunShellScript", { commands: ["echo hi"], executionTimeout: ["90"] }]);
            assert.strictEqual(ssm.commandCalls(GetCommandInvocationCommand).length, 3);

            ssm.reset();
            ssm.on(SendCommandCommand).rejects(Object.assign(new Error("no such instance"), { name: "InvalidInstanceId" }));
            await assert.rejects(ssmRunCommand(client, INSTANCE, { sleep: async () => undefined }).run(["true"], 30), /is not registered with Systems Manager/);
            ssm.reset();
            ssm.on(SendCommandCommand).rejects(Object.assign(new Error("denied"), { name: "AccessDeniedException" }));
            await assert.rejects(ssmRunCommand(client, INSTANCE, { sleep: async () => undefined }).run(["true"], 30), /may not run commands on i-0123456789abcdef0 \(ssm:SendCommand\)/);
        } finally {
            ssm.restore();
        }
    });

    it("reports every user failed, with the reason, when the instance cannot be prepared", async () => {
        const run: RunCommand = { run: async () => ({ status: "Failed", stdout: "closed-ftp-smoke: lftp is not installed", stderr: "" }) };
        const client = testClientRoundTrip(run, { privateIp: "10.254.0.12", allowedSourceCidrs: () => undefined });
        const report = await runSmoke(outputs, { source: "fixture", protocol: "FTP", ftp: target }, { transfer, ftp: client.roundTrip, log: () => undefined });
        assert.ok(!report.ok);
        assert.ok(report.results.every((r) => /preparing the test client failed \(Failed\): closed-ftp-smoke: lftp is not installed/.test(r.ftp?.detail ?? "")));
    });
});
