import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

const ROOT = path.resolve(__dirname, "..", "..");

describe("secrets never land in git", () => {
    it("ignores every JSON file the README tells users to write (the plan, the smoke test's outputs)", () => {
        const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
        const written = [...new Set([...readme.matchAll(/>\s*([\w.-]+\.json)\b/g)].map((m) => m[1]))];
        assert.deepStrictEqual(written.sort(), ["outputs.json", "plan.json"]);
        for (const file of written) {
            const check = spawnSync("git", ["check-ignore", "--no-index", "-q", file], { cwd: ROOT });
            assert.strictEqual(check.status, 0, `${file} is not ignored by .gitignore`);
        }
    });
});
