// .mocharc.json lists the test files one by one, the slowest first, so that mocha's two workers end
// together (a long file started last would run alone): the list must hold every test file, once.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";

const ROOT = path.resolve(__dirname, "..", "..");
const DIRS = ["infra", "idp-lambda", "stacks", "policy", "plan", "smoke", "scripts", "rehearse", "bootstrap"];

function testFiles(dir: string): string[] {
    const full = path.join(ROOT, dir);
    if (!fs.existsSync(full)) return [];
    return fs.readdirSync(full, { withFileTypes: true }).flatMap((e) => {
        const rel = path.posix.join(dir, e.name);
        if (e.isDirectory()) return e.name === "node_modules" ? [] : testFiles(rel);
        return e.name.endsWith(".test.ts") ? [rel] : [];
    });
}

describe("the test run", () => {
    it("lists every test file in .mocharc.json, once, and nothing else", () => {
        const spec = (JSON.parse(fs.readFileSync(path.join(ROOT, ".mocharc.json"), "utf8")) as { spec: string[] }).spec;
        assert.strictEqual(new Set(spec).size, spec.length, "a file is listed twice");
        const found = DIRS.flatMap((d) => testFiles(path.posix.join(d, "test"))).sort();
        assert.deepStrictEqual([...spec].sort(), found, "add the new test file to .mocharc.json's spec (slow ones first), or remove the one that is gone");
    });
});
