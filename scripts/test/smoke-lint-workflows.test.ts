// The workflow linter admits the FTP smoke test's self-hosted runner label, and only that one.
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const LINTER = path.resolve(__dirname, "..", "lint-workflows.mjs");

const workflow = (runsOn: string) => `on: push\njobs:\n  ftp:\n    runs-on: ${runsOn}\n    steps:\n      - run: npm run smoke -- --stack dev --ftp\n`;

describe("workflow lint: self-hosted runner labels", () => {
    it("accepts the closed-ftp label of the runner inside the network, and refuses any other unknown label", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "closed-ftp-wf-"));
        try {
            fs.writeFileSync(path.join(dir, "good.yml"), workflow("[self-hosted, closed-ftp]"));
            fs.writeFileSync(path.join(dir, "typo.yml"), workflow("[self-hosted, closed-ftps]"));
            // One run for both files: each start of the WebAssembly linter costs seconds.
            const run = spawnSync(process.execPath, [LINTER, dir], { encoding: "utf8", timeout: 60_000 });
            assert.strictEqual(run.status, 1);
            const findings = run.stderr.trimEnd().split("\n");
            assert.strictEqual(findings.length, 2, run.stderr);
            assert.match(findings[0], /typo\.yml:4:28: label "closed-ftps" is unknown\. .* \[runner-label\]$/);
            assert.strictEqual(findings[1], "actionlint: 1 finding(s) in 2 workflow file(s)");
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});
