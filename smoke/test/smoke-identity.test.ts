// The identity-provider check through the real adapter and a mocked Transfer client (aws-sdk-client-mock).
import * as assert from "assert";
import { InternalServiceError, ResourceNotFoundException, TestIdentityProviderCommand, TransferClient } from "@aws-sdk/client-transfer";
import { mockClient } from "aws-sdk-client-mock";
import { judgeLogin, parseStackOutputs, runSmoke, SmokeOutputs, sourceIpFor, transferIdentityProvider } from "../index";
import { ACCESS_ROLE_ARN, BUCKET_NAMES, grantFor, outputsDocument, SERVER_ID } from "./ftp-outputs-fixture";

const USER1_PASSWORD = "user1-Password-0123456789";
const PARTNER_PASSWORD = "partner-Password-9876543210";

describe("smoke: identity-provider check (TestIdentityProvider, mocked SDK)", () => {
    const transferMock = mockClient(TransferClient);
    let outputs: SmokeOutputs;
    let lines: string[];

    before(() => {
        outputs = parseStackOutputs(outputsDocument({
            user1: { password: USER1_PASSWORD, access: "read-write" },
            "partner-a": { password: PARTNER_PASSWORD, access: "read-only", bucket: "analytics-drop", allowedSourceCidrs: ["10.10.1.0/24"] },
        }), "fixture");
    });
    beforeEach(() => {
        transferMock.reset();
        lines = [];
    });
    after(() => transferMock.restore());

    /** Answers like our IdP: a grant for the right password, `{}` for any other. */
    function idpAnswers(): void {
        transferMock.on(TestIdentityProviderCommand).callsFake((input: { UserName: string; UserPassword?: string }) => {
            const right = input.UserPassword === outputs.userPasswords[input.UserName];
            const user = outputs.users[input.UserName];
            return { StatusCode: 200, Url: "arn:aws:lambda:ap-northeast-1:111111111111:function:closed-ftp-idp", Response: right ? grantFor(user.bucketName, user.prefix) : "{}" };
        });
    }

    function run(options: { sourceIp?: string; users?: string[]; timeoutMs?: number } = {}) {
        const client = new TransferClient({ region: "ap-northeast-1", credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "example" } });
        return runSmoke(outputs, { source: "fixture", protocol: "FTP", sourceIp: options.sourceIp, users: options.users },
            { transfer: transferIdentityProvider(client, options.timeoutMs ?? 5_000), log: (line) => lines.push(line) });
    }

    it("passes a user whose password yields the stack's role, session policy and home; a wrong password is refused", async () => {
        idpAnswers();
        const report = await run({ users: ["user1"] });
        assert.strictEqual(report.ok, true, lines.join("\n"));
        assert.deepStrictEqual(lines.slice(1), ["[1/1] user1  identity-provider ok", "smoke: all 1 user(s) passed"]);
        const calls = transferMock.commandCalls(TestIdentityProviderCommand).map((c) => c.args[0].input);
        assert.deepStrictEqual(calls[0], { ServerId: SERVER_ID, UserName: "user1", UserPassword: USER1_PASSWORD, ServerProtocol: "FTP", SourceIp: undefined });
        assert.strictEqual(calls.length, 2);
        assert.notStrictEqual(calls[1].UserPassword, USER1_PASSWORD, "the second call tries a wrong password");
    });

    it("tests a user with allowedSourceCidrs from inside them, and says from where", async () => {
        idpAnswers();
        const report = await run({ users: ["partner-a"] });
        assert.strictEqual(report.ok, true, lines.join("\n"));
        assert.strictEqual(lines[1], "[1/1] partner-a  identity-provider ok (from 10.10.1.1)");
        assert.strictEqual(transferMock.commandCalls(TestIdentityProviderCommand)[0].args[0].input.SourceIp, "10.10.1.1");
    });

    it("fails a refused password (status 200, empty response) with the status, message and url", async () => {
        transferMock.on(TestIdentityProviderCommand).resolves({ StatusCode: 200, Response: "", Message: "Unable to call identity provider: denied", Url: "https://idp.example" });
        const report = await run({ users: ["user1"] });
        assert.strictEqual(report.ok, false);
        assert.strictEqual(lines[1], '[1/1] user1  identity-provider FAIL (denied: no Role in the response (status 200, message "Unable to call identity provider: denied", url https://idp.example))');
        assert.strictEqual(lines[2], "smoke: 1 of 1 user(s) FAILED: user1 (identity-provider)");
    });

    it("fails when Transfer itself errors, naming the error", async () => {
        transferMock.on(TestIdentityProviderCommand).rejects(new ResourceNotFoundException({ message: "Unknown server", Message: "Unknown server", Resource: SERVER_ID, ResourceType: "Server", $metadata: {} }));
        await run({ users: ["user1"] });
        assert.strictEqual(lines[1], "[1/1] user1  identity-provider FAIL (ResourceNotFoundException: Unknown server)");
        transferMock.reset();
        lines = [];
        transferMock.on(TestIdentityProviderCommand).rejects(new InternalServiceError({ message: "Internal failure", Message: "Internal failure", $metadata: {} }));
        const report = await run({ users: ["user1"] });
        assert.strictEqual(report.results[0].identityProvider.detail, "InternalServiceError: Internal failure");
    });

    it("fails a non-200 status from the identity provider", async () => {
        transferMock.on(TestIdentityProviderCommand).resolves({ StatusCode: 500, Message: "Lambda timed out", Url: "lambda" });
        const report = await run({ users: ["user1"] });
        assert.strictEqual(report.results[0].identityProvider.detail, 'the identity provider call failed (status 500, message "Lambda timed out", url lambda)');
    });

    it("fails an IdP that lets a wrong password in", async () => {
        transferMock.on(TestIdentityProviderCommand).resolves({ StatusCode: 200, Response: grantFor(BUCKET_NAMES.inbox, "user1"), Url: "lambda" });
        const report = await run({ users: ["user1"] });
        assert.strictEqual(report.results[0].identityProvider.detail, "a wrong password was accepted (the response has a Role)");
    });

    it("hints when --source-ip is outside the refused user's allowedSourceCidrs", async () => {
        transferMock.on(TestIdentityProviderCommand).resolves({ StatusCode: 200, Response: "{}", Url: "lambda" });
        await run({ users: ["partner-a"], sourceIp: "192.0.2.10" });
        assert.match(lines[1], /; --source-ip 192\.0\.2\.10 is outside the user's allowedSourceCidrs 10\.10\.1\.0\/24\)$/);
    });

    it("gives up on a call that never answers after --timeout", async () => {
        transferMock.on(TestIdentityProviderCommand).callsFake(() => new Promise(() => undefined));
        const started = Date.now();
        const report = await run({ users: ["user1"], timeoutMs: 200 });
        assert.strictEqual(report.results[0].identityProvider.detail, "TimeoutError: TestIdentityProvider: no answer within 0.2 s (--timeout)");
        assert.ok(Date.now() - started < 2_000);
    });

    it("never prints a password, even when an answer echoes it", async () => {
        transferMock.on(TestIdentityProviderCommand).resolves({ StatusCode: 400, Message: `bad password ${USER1_PASSWORD}`, Url: "lambda" });
        const report = await run();
        assert.ok(lines.every((line) => !line.includes(USER1_PASSWORD) && !line.includes(PARTNER_PASSWORD)), lines.join("\n"));
        assert.match(lines[1], /message "bad password \[password\]"/);
        assert.strictEqual(report.results[0].identityProvider.detail.includes(USER1_PASSWORD), false);
    });
});

describe("smoke: what a passing login must carry", () => {
    const expected = { accessRoleArn: ACCESS_ROLE_ARN, homeTarget: `/${BUCKET_NAMES.inbox}/user1` };
    const answer = (response: string) => ({ statusCode: 200, response, url: "lambda" });

    it("passes the stack's role, a session policy and the home /<bucket>/<prefix>", () => {
        assert.deepStrictEqual(judgeLogin(answer(grantFor(BUCKET_NAMES.inbox, "user1")), expected), { ok: true });
    });

    it("fails another role", () => {
        const verdict = judgeLogin(answer(grantFor(BUCKET_NAMES.inbox, "user1", "arn:aws:iam::111111111111:role/other")), expected);
        assert.deepStrictEqual(verdict, { ok: false, reason: `Role arn:aws:iam::111111111111:role/other is not the stack's access role ${ACCESS_ROLE_ARN}` });
    });

    it("fails a grant without a session policy", () => {
        const grant = { ...JSON.parse(grantFor(BUCKET_NAMES.inbox, "user1")), Policy: undefined };
        assert.deepStrictEqual(judgeLogin(answer(JSON.stringify(grant)), expected), { ok: false, reason: "no session Policy in the response: the user would not be confined to its prefix" });
    });

    it("fails a home that maps / elsewhere", () => {
        const verdict = judgeLogin(answer(grantFor(BUCKET_NAMES.inbox, "someone-else")), expected);
        assert.deepStrictEqual(verdict, { ok: false, reason: `home "/" maps to /${BUCKET_NAMES.inbox}/someone-else, expected /${BUCKET_NAMES.inbox}/user1` });
    });

    it("fails a response that is not JSON", () => {
        assert.deepStrictEqual(judgeLogin(answer("<html>"), expected), { ok: false, reason: "the response is not JSON (status 200, url lambda)" });
    });

    it("picks the first host of a user's first allowed CIDR as the source address", () => {
        assert.deepStrictEqual(sourceIpFor(["10.10.1.0/24", "10.20.0.0/16"], undefined), { ip: "10.10.1.1", from: "allowedSourceCidrs" });
        assert.deepStrictEqual(sourceIpFor(["10.10.1.77/24"], undefined), { ip: "10.10.1.1", from: "allowedSourceCidrs" });
        assert.deepStrictEqual(sourceIpFor(["192.0.2.7/32"], undefined), { ip: "192.0.2.7", from: "allowedSourceCidrs" });
        assert.deepStrictEqual(sourceIpFor(["2001:db8::/64"], undefined), { ip: "2001:db8::1", from: "allowedSourceCidrs" });
        assert.deepStrictEqual(sourceIpFor(["10.10.1.0/24"], "10.9.9.9"), { ip: "10.9.9.9", from: "--source-ip" });
        assert.deepStrictEqual(sourceIpFor(undefined, undefined), {});
    });
});
