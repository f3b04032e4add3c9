// The estate: every name settled before anything deploys, so the program assumes the roles the
// bootstrap creates and gives resources the names each deploy role is scoped to.
import * as assert from "assert";
import { ConfigValidationError, parseStackConfig } from "../config";
import { resolveEstate } from "../estate";
import { derivedBucketName, stackNameProblem } from "../../infra/naming";

const base = (extra: Record<string, unknown> = {}) => parseStackConfig({
    "aws:region": "ap-northeast-1",
    "closed-ftp:hub": { accountId: "111111111111" },
    "closed-ftp:network": { vpcId: "vpc-0123456789abcdef0", subnetIds: ["subnet-0aaaaaaaaaaaaaaaa"], allowedCidrs: ["10.10.0.0/16"] },
    "closed-ftp:accounts": { analytics: { accountId: "222222222222" } },
    "closed-ftp:buckets": [{ name: "inbox" }, { name: "drop", account: "analytics" }],
    "closed-ftp:users": [{ userName: "user1", home: "inbox/user1" }],
    "closed-ftp:bootstrap": { administratorRoleArns: ["arn:aws:iam::111111111111:role/Admin"], accountAccessRoleName: "OrganizationAccountAccessRole" },
    ...extra,
});

const issues = (f: () => unknown) => {
    try {
        f();
    } catch (err) {
        if (err instanceof ConfigValidationError) return err.issues;
        throw err;
    }
    return [];
};

describe("the estate", () => {
    it("gives every account the bootstrap's deploy and preview roles, and the hub's roles the bootstrap's boundary", () => {
        const estate = resolveEstate(base(), "dev");
        assert.deepStrictEqual(estate.accounts.map((a) => [a.key, a.deployRoleArn, a.previewRoleArn]), [
            ["hub", "arn:aws:iam::111111111111:role/closed-ftp-bootstrap/closed-ftp-dev-deploy", "arn:aws:iam::111111111111:role/closed-ftp-bootstrap/closed-ftp-dev-preview"],
            ["analytics", "arn:aws:iam::222222222222:role/closed-ftp-bootstrap/closed-ftp-dev-deploy", "arn:aws:iam::222222222222:role/closed-ftp-bootstrap/closed-ftp-dev-preview"],
        ]);
        assert.strictEqual(estate.permissionsBoundaryArn, "arn:aws:iam::111111111111:policy/closed-ftp-bootstrap/closed-ftp-dev-boundary");
    });

    it("derives each S3 name from the stack, the bucket's first name and where it lives: unique per account, stable across a rename", () => {
        const [inbox, drop] = resolveEstate(base(), "dev").buckets;
        assert.match(inbox.physicalName, /^closed-ftp-dev-inbox-[0-9a-f]{8}$/);
        assert.notStrictEqual(inbox.physicalName.slice(-8), derivedBucketName({ partition: "aws", accountId: "999999999999", region: "ap-northeast-1", stack: "dev", firstName: "inbox" }).slice(-8));
        assert.match(drop.physicalName, /^closed-ftp-dev-drop-[0-9a-f]{8}$/);
        const renamed = parseStackConfig({ ...JSON.parse(JSON.stringify({})), "aws:region": "ap-northeast-1", "closed-ftp:hub": { accountId: "111111111111" },
            "closed-ftp:network": { vpcId: "vpc-0123456789abcdef0", subnetIds: ["subnet-0aaaaaaaaaaaaaaaa"], allowedCidrs: ["10.10.0.0/16"] },
            "closed-ftp:buckets": [{ name: "landing", formerNames: ["inbox"] }], "closed-ftp:users": [{ userName: "user1", home: "landing/user1" }] });
        assert.strictEqual(resolveEstate(renamed, "dev").buckets[0].physicalName, inbox.physicalName);
        assert.strictEqual(resolveEstate(base({ "closed-ftp:buckets": [{ name: "inbox", bucketName: "acme-inbox" }] }), "dev").buckets[0].physicalName, "acme-inbox");
    });

    it("refuses an S3 name that would be too long, naming the bucket and the ways out", () => {
        const long = "a".repeat(42);
        const found = issues(() => resolveEstate(base({ "closed-ftp:buckets": [{ name: long }], "closed-ftp:users": [{ userName: "user1", home: `${long}/u` }] }), "production-eu"));
        assert.deepStrictEqual(found.map((i) => i.path), ["closed-ftp:buckets[0].name"]);
        assert.match(found[0].message, /would be 76 characters, and S3 takes at most 63: shorten the bucket's or the stack's name, or set bucketName/);
    });

    it("refuses a stack name AWS names cannot carry", () => {
        for (const stack of ["Dev", "my.stack", "a--b", "dev-", "x".repeat(21), "1dev"]) {
            assert.ok(stackNameProblem(stack), stack);
            assert.deepStrictEqual(issues(() => resolveEstate(base(), stack)).map((i) => i.path), ["stack"], stack);
        }
        for (const stack of ["dev", "prod-eu-1", "a", "x".repeat(20)]) assert.strictEqual(stackNameProblem(stack), undefined, stack);
    });

    it("keeps hand-written roles, and no boundary, without closed-ftp:bootstrap", () => {
        const model = parseStackConfig({
            "aws:region": "ap-northeast-1", "closed-ftp:hub": { accountId: "111111111111", deployRoleArn: "arn:aws:iam::111111111111:role/deployer" },
            "closed-ftp:network": { vpcId: "vpc-0123456789abcdef0", subnetIds: ["subnet-0aaaaaaaaaaaaaaaa"], allowedCidrs: ["10.10.0.0/16"] },
            "closed-ftp:buckets": [{ name: "inbox" }], "closed-ftp:users": [{ userName: "user1", home: "inbox/user1" }],
        });
        const estate = resolveEstate(model, "dev");
        assert.strictEqual(estate.accounts[0].deployRoleArn, "arn:aws:iam::111111111111:role/deployer");
        assert.strictEqual(estate.permissionsBoundaryArn, undefined);
    });
});
