import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as aws from "@pulumi/aws";
import { MockCloud, revealSecrets } from "../mock-cloud";
import { runProgram } from "../runner";
import { isSecret } from "../mock-cloud/wire";
import { InProcessCloud, promiseOf } from "../mock-cloud/in-process";

const HUB = "111111111111";
const SPOKE = "222222222222";

const SAMPLE = path.join(__dirname, "fixtures", "sample");

// The sample program (fixtures/sample), run by Pulumi's runner against a fresh mock cloud: what is
// recorded comes off the wire.
async function runSample(stack = "test", env?: Record<string, string>) {
    const cloud = new MockCloud({ defaultAccountId: "999999999999" });
    const run = await runProgram({ dir: SAMPLE, stack, config: {}, secretKeys: [], cloud, env });
    const values = revealSecrets(run.outputs, true) as Record<string, string> & { versionIsSecret: boolean };
    return { cloud, values, outputs: run.outputs };
}

describe("mock cloud", () => {
    let first: Awaited<ReturnType<typeof runSample>>;
    before(async () => {
        // A `node` first on the program's PATH that cannot run anything: the runner must not use it.
        const decoy = fs.mkdtempSync(path.join(os.tmpdir(), "closed-ftp-decoy-node-"));
        fs.writeFileSync(path.join(decoy, "node"), "#!/bin/sh\necho 'decoy node on PATH' >&2\nexit 97\n", { mode: 0o755 });
        try {
            first = await runSample("test", { PATH: `${decoy}${path.delimiter}${process.env.PATH ?? ""}` });
        } finally {
            fs.rmSync(decoy, { recursive: true, force: true });
        }
    });

    it("runs the program on the Node that runs the runner, not the first one on PATH", () => {
        assert.strictEqual(first.values.nodeVersion, process.version);
    });

    it("gives Transfer servers ids of s- and 17 lowercase hex, and ARNs in the provider's account and region", () => {
        assert.match(first.values.serverId, /^s-[0-9a-f]{17}$/);
        assert.strictEqual(first.values.serverArn, `arn:aws:transfer:ap-northeast-1:${HUB}:server/${first.values.serverId}`);
    });

    it("gives roles a unique id of AROA and 17 uppercase alphanumerics, and an ARN in the hub account", () => {
        assert.match(first.values.uniqueId, /^AROA[A-Z0-9]{17}$/);
        assert.match(first.values.roleArn, new RegExp(`^arn:aws:iam::${HUB}:role/access-[0-9a-f]{7}$`));
    });

    it("gives KMS keys UUID ids and ARNs in the spoke account and region", () => {
        assert.match(first.values.keyId, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/);
        assert.strictEqual(first.values.keyArn, `arn:aws:kms:eu-west-1:${SPOKE}:key/${first.values.keyId}`);
    });

    it("gives secrets ARNs with the six-character suffix Secrets Manager appends", () => {
        assert.match(first.values.secretArn, new RegExp(`^arn:aws:secretsmanager:ap-northeast-1:${HUB}:secret:aws/transfer/s-0/user1-[A-Za-z0-9]{6}$`));
    });

    it("auto-names buckets from the logical name and gives them account-less S3 ARNs", () => {
        assert.match(first.values.bucketName, /^drop-[0-9a-f]{7}$/);
        assert.strictEqual(first.values.bucketArn, `arn:aws:s3:::${first.values.bucketName}`);
    });

    it("gives VPC endpoints vpce- ids and vpce DNS names", () => {
        assert.match(first.values.endpointId, /^vpce-[0-9a-f]{17}$/);
        assert.match(first.values.endpointDns, new RegExp(`^${first.values.endpointId}-[0-9a-f]{8}\\.sts\\.ap-northeast-1\\.vpce\\.amazonaws\\.com$`));
    });

    it("resolves a server's VPC endpoint through getVpcEndpoint consistently with the server's state", () => {
        assert.match(first.values.vpcEndpointId, /^vpce-[0-9a-f]{17}$/);
        assert.ok(first.values.vpceDns.startsWith(`${first.values.vpcEndpointId}-`), first.values.vpceDns);
        assert.match(first.values.vpceDns, /\.ap-northeast-1\.vpce\.amazonaws\.com$/);
    });

    it("answers getCallerIdentity and getRegion with the account and region of the invoking provider", () => {
        assert.strictEqual(first.values.hubCaller, HUB);
        assert.strictEqual(first.values.spokeCaller, SPOKE);
        assert.strictEqual(first.values.spokeRegion, "eu-west-1");
    });

    it("fails an invoke it does not know, naming its token", async () => {
        const cloud = await InProcessCloud.install();
        await assert.rejects(aws.ec2.getInternetGateway({ internetGatewayId: "igw-0" }), /aws:ec2\/getInternetGateway:getInternetGateway/);
        await cloud.settled();
    });

    it("records type, name, parent, provider, inputs and state of every resource", () => {
        const role = first.cloud.find("aws:iam/role:Role", "access");
        assert.strictEqual(role.urn, "urn:pulumi:test::sample::sample:index:Sample$aws:iam/role:Role::access");
        assert.strictEqual(role.parent, "urn:pulumi:test::sample::sample:index:Sample::sample");
        assert.strictEqual(role.provider, "urn:pulumi:test::sample::pulumi:providers:aws::hub");
        assert.strictEqual(role.inputs.assumeRolePolicy, "{}");
        assert.strictEqual(role.state.uniqueId, first.values.uniqueId);
        assert.strictEqual(first.cloud.accountOf(role), HUB);
        assert.strictEqual(first.cloud.accountOf(first.cloud.find("aws:s3/bucket:Bucket", "drop")), SPOKE);
        const providers = first.cloud.byType("pulumi:providers:aws").map((p) => p.name).sort();
        assert.deepStrictEqual(providers, ["hub", "spoke"]);
    });

    it("records the resources a property came from", () => {
        const version = first.cloud.find("aws:secretsmanager/secretVersion:SecretVersion", "user1");
        const secret = first.cloud.find("aws:secretsmanager/secret:Secret", "user1");
        assert.deepStrictEqual(version.propertyDependencies.secretId, [secret.urn]);
        assert.ok(version.dependencies.includes(secret.urn));
    });

    it("keeps secret inputs secret, in state and in outputs, until asked to reveal them", () => {
        const version = first.cloud.find("aws:secretsmanager/secretVersion:SecretVersion", "user1");
        assert.deepStrictEqual((revealSecrets(version.inputs, false) as Record<string, unknown>).secretString, "[secret]");
        assert.deepStrictEqual((revealSecrets(version.state, true) as Record<string, unknown>).secretString, "hunter2-hunter2");
        assert.strictEqual(JSON.stringify(revealSecrets(first.cloud.resources, false)).includes("hunter2"), false);
        // The engine marks a generated password's result secret (additionalSecretOutputs); the program sees it so.
        assert.ok(isSecret(first.outputs.password), JSON.stringify(first.outputs.password));
        assert.strictEqual(first.values.versionIsSecret, true);
    });

    it("puts a resource without an explicit provider on the default provider's account", () => {
        const password = first.cloud.find("random:index/randomPassword:RandomPassword", "pw");
        assert.strictEqual(password.provider, null);
        assert.strictEqual(first.cloud.accountOf(password), "999999999999");
        assert.deepStrictEqual(first.cloud.onDefaultProvider().map((r) => r.name), ["pw"]);
    });

    it("answers the same ids, ARNs and secrets for the same names on every run", async () => {
        const second = await runSample();
        assert.deepStrictEqual(second.values, first.values);
        const strip = (c: MockCloud) => JSON.stringify(revealSecrets(c.resources, true));
        assert.strictEqual(strip(second.cloud), strip(first.cloud));
    });

    it("answers differently for different names", async () => {
        const cloud = await InProcessCloud.install();
        const provider = new aws.Provider("p", { region: "us-east-1", allowedAccountIds: [HUB] });
        const a = new aws.transfer.Server("a", {}, { provider });
        const b = new aws.transfer.Server("b", {}, { provider });
        const [idA, idB] = await Promise.all([promiseOf(a.id), promiseOf(b.id)]);
        await cloud.settled();
        assert.notStrictEqual(idA, idB);
    });
});
