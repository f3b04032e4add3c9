import * as assert from "assert";
import { AssumeRoleCommand, STSClient as NestedStsClient } from "@aws-sdk/nested-clients/sts";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { mockClient } from "aws-sdk-client-mock";
import { ConfigValidationError } from "../../stacks/config";
import { assumedRoleCredentials, hubAccountProblem, hubRoleFor, hubRolesOf } from "../credentials";
import { readStackFile } from "../../plan/plan";
import * as path from "path";
import { parseSmokeFlags, SmokeFlagError } from "../flags";

const DEPLOY = "arn:aws:iam::111111111111:role/closed-ftp-deploy";
const PREVIEW = "arn:aws:iam::111111111111:role/closed-ftp-preview";

describe("smoke: the hub credentials", () => {
    it("takes the bootstrap's hub roles for a stack file with closed-ftp:bootstrap, as the program's hub provider does", () => {
        const dev = readStackFile("dev", path.resolve(__dirname, "..", ".."));
        assert.deepStrictEqual(hubRolesOf("dev", dev.config), {
            deployRoleArn: "arn:aws:iam::111111111111:role/closed-ftp-bootstrap/closed-ftp-dev-deploy",
            previewRoleArn: "arn:aws:iam::111111111111:role/closed-ftp-bootstrap/closed-ftp-dev-preview",
        });
        const { "closed-ftp:bootstrap": _b, ...written } = dev.config;
        const hub = JSON.stringify({ accountId: "111111111111", deployRoleArn: DEPLOY });
        assert.deepStrictEqual(hubRolesOf("dev", { ...written, "closed-ftp:hub": hub }), { deployRoleArn: DEPLOY, previewRoleArn: undefined });
        assert.throws(() => hubRolesOf("dev", { "closed-ftp:hub": "hub" }), /closed-ftp:hub in the stack file is not a map/);
    });

    it("assumes the stack's hub deploy role, or its preview role under CLOSED_FTP_CREDENTIALS=preview, as the hub provider does", () => {
        assert.deepStrictEqual(hubRoleFor({ ambient: false }, { deployRoleArn: DEPLOY, previewRoleArn: PREVIEW }, {}), { roleArn: DEPLOY, from: "closed-ftp:hub.deployRoleArn" });
        assert.deepStrictEqual(hubRoleFor({ ambient: false }, { deployRoleArn: DEPLOY, previewRoleArn: PREVIEW }, { CLOSED_FTP_CREDENTIALS: "preview" }), { roleArn: PREVIEW, from: "closed-ftp:hub.previewRoleArn" });
    });

    it("takes --role over the stack file, and ambient credentials only when told or when the stack's hub has no role", () => {
        const other = "arn:aws:iam::111111111111:role/smoke";
        assert.deepStrictEqual(hubRoleFor({ role: other, ambient: false }, { deployRoleArn: DEPLOY }, {}), { roleArn: other, from: "--role" });
        assert.deepStrictEqual(hubRoleFor({ ambient: true }, { deployRoleArn: DEPLOY }, {}), { from: "--ambient-credentials" });
        assert.strictEqual(hubRoleFor({ ambient: false }, {}, {}).roleArn, undefined);
    });

    it("refuses a preview-mode smoke test of a hub with a deploy role but no preview role, naming the key", () => {
        assert.throws(() => hubRoleFor({ ambient: false }, { deployRoleArn: DEPLOY }, { CLOSED_FTP_CREDENTIALS: "preview" }),
            (err: unknown) => err instanceof ConfigValidationError && err.issues[0].path === "closed-ftp:hub.previewRoleArn");
    });

    it("really assumes the role through STS before any Transfer call", async () => {
        const sts = mockClient(NestedStsClient);
        try {
            sts.on(AssumeRoleCommand).resolves({ Credentials: { AccessKeyId: "ASIAEXAMPLE", SecretAccessKey: "s", SessionToken: "t", Expiration: new Date(Date.now() + 900_000) } });
            const identity = await assumedRoleCredentials(DEPLOY, "ap-northeast-1")();
            assert.strictEqual(identity.accessKeyId, "ASIAEXAMPLE");
            const calls = sts.commandCalls(AssumeRoleCommand);
            assert.strictEqual(calls.length, 1);
            assert.strictEqual(calls[0].args[0].input.RoleArn, DEPLOY);
        } finally {
            sts.restore();
        }
    });

    it("refuses credentials that are not in the hub account, naming both accounts", async () => {
        const sts = mockClient(STSClient);
        try {
            sts.on(GetCallerIdentityCommand).resolves({ Account: "999999999999" });
            const problem = await hubAccountProblem(new STSClient({ region: "ap-northeast-1" }), "111111111111", { roleArn: DEPLOY, from: "--role" });
            assert.match(problem ?? "", /in account 999999999999, not the hub account 111111111111/);
            sts.on(GetCallerIdentityCommand).resolves({ Account: "111111111111" });
            assert.strictEqual(await hubAccountProblem(new STSClient({ region: "ap-northeast-1" }), "111111111111", { roleArn: DEPLOY, from: "--role" }), undefined);
        } finally {
            sts.restore();
        }
    });

    it("needs --role or --ambient-credentials with --outputs, and a real role ARN", () => {
        assert.throws(() => parseSmokeFlags(["--outputs", "o.json"]), (e: unknown) => e instanceof SmokeFlagError && /give --role <hub role ARN>, or --ambient-credentials/.test(e.message));
        assert.throws(() => parseSmokeFlags(["--stack", "dev", "--role", "closed-ftp-deploy"]), /--role "closed-ftp-deploy": not an IAM role ARN/);
        assert.throws(() => parseSmokeFlags(["--stack", "dev", "--role", DEPLOY, "--ambient-credentials"]), /contradict/);
        const flags = parseSmokeFlags(["--outputs", "o.json", "--role", DEPLOY]);
        assert.ok(flags !== "help" && flags.role === DEPLOY);
    });
});
