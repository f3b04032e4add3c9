import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { checkConfigSize, ConfigTooLargeError, MAX_ENV_STRING_BYTES, ProjectFileError, readProjectFile } from "../runner";

const ROOT = path.resolve(__dirname, "..", "..");

describe("Pulumi's runner, started as the CLI starts it", () => {
    let dir: string;
    beforeEach(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "closed-ftp-project-"));
        fs.mkdirSync(path.join(dir, "src"));
        fs.writeFileSync(path.join(dir, "src", "index.ts"), "export {};\n");
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
    const project = (yaml: string) => {
        fs.writeFileSync(path.join(dir, "Pulumi.yaml"), yaml);
        return () => readProjectFile(dir);
    };

    it("starts this project's program in stacks/ with its entry file and node flags, as Pulumi.yaml's main and nodeargs say", () => {
        const p = readProjectFile(ROOT);
        assert.deepStrictEqual(p, { name: "closed-ftp", typescript: true, nodeArgs: ["--stack-trace-limit=4"], pwd: path.join(ROOT, "stacks"), program: path.join(ROOT, "stacks", "index.ts") });
    });

    it("starts a program whose main is a folder in that folder, and one without main in the project", () => {
        assert.deepStrictEqual(project("name: p\nruntime: nodejs\nmain: src\n")(), { name: "p", typescript: true, nodeArgs: [], pwd: path.join(dir, "src"), program: "." });
        assert.deepStrictEqual(project("name: p\nruntime:\n  name: nodejs\n  options:\n    typescript: false\n")(), { name: "p", typescript: false, nodeArgs: [], pwd: dir, program: "." });
    });

    it("refuses, naming the file and the key, a project it could not start", () => {
        const cases: [string, RegExp][] = [
            ["name: p\nruntime: python\n", /runtime must be nodejs, found "python"/],
            ["runtime: nodejs\n", /"name" must name the project/],
            ["name: p\nruntime: nodejs\nmain: ../elsewhere.ts\n", /"main" must be inside the project/],
            ["name: p\nruntime: nodejs\nmain: /etc/index.ts\n", /"main" must be a path relative to the project/],
            ["name: p\nruntime: nodejs\nmain: src/missing.ts\n", /"main" names src\/missing.ts, which does not exist/],
            ["name: p\nruntime:\n  name: nodejs\n  options:\n    nodeargs: [1]\n", /runtime.options.nodeargs must be a string/],
            ["name: [unclosed\n", /Pulumi.yaml: /],
        ];
        for (const [yaml, message] of cases) {
            assert.throws(project(yaml), (err: unknown) => err instanceof ProjectFileError && message.test(err.message) && err.message.includes(path.join(dir, "Pulumi.yaml")), yaml);
        }
    });

    it("refuses a config larger than Linux passes in one environment variable, naming its size and largest keys", () => {
        const users = JSON.stringify(Array.from({ length: 4000 }, (_, i) => ({ userName: `user-${i}`, home: `drop/user${i}` })));
        assert.ok(users.length > MAX_ENV_STRING_BYTES);
        assert.throws(() => checkConfigSize({ "aws:region": "ap-northeast-1", "closed-ftp:users": users }), (err: unknown) =>
            err instanceof ConfigTooLargeError && /is \d+ bytes as PULUMI_CONFIG/.test(err.message) && /at most 131072 bytes/.test(err.message) && /Largest keys: closed-ftp:users \(\d+ bytes\)/.test(err.message));
        assert.doesNotThrow(() => checkConfigSize({ "closed-ftp:users": users.slice(0, 100_000) }));
    });
});
