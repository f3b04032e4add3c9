import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const LINTER = path.resolve(__dirname, "..", "lint-workflows.mjs");

function lint(dir?: string) {
    return spawnSync(process.execPath, [LINTER, ...(dir ? [dir] : [])], { encoding: "utf8", timeout: 60_000 });
}

describe("workflow lint", () => {
    const made: string[] = [];
    const tempDir = () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "closed-ftp-wf-"));
        made.push(dir);
        return dir;
    };
    after(() => made.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

    it("passes the project's workflows", () => {
        const run = lint();
        assert.strictEqual(run.status, 0, run.stderr);
        assert.match(run.stdout, /actionlint: 2 workflow file\(s\) OK/);
    });

    it("fails on a broken workflow, naming file, line and rule", () => {
        const dir = tempDir();
        fs.writeFileSync(path.join(dir, "broken.yml"), "on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ secrets }}\n      - uses: actions/checkout@v4\n        with:\n          fetch-depth: ${{ matrix.nothing }}\n");
        const run = lint(dir);
        assert.strictEqual(run.status, 1);
        assert.match(run.stderr, /broken\.yml:\d+:\d+: .+\[[a-z-]+\]/);
    });

    it("fails when there is nothing to lint", () => {
        const run = lint(tempDir());
        assert.strictEqual(run.status, 1);
        assert.match(run.stderr, /no workflow files/);
    });
});
