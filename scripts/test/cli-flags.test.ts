import * as assert from "assert";
import { FlagError, parseFlags } from "../cli-flags";

const OPTIONS = { stack: { type: "string", short: "s" }, json: { type: "boolean" }, user: { type: "string", multiple: true } } as const;
const refusal = (argv: string[]) => {
    try {
        parseFlags(argv, OPTIONS);
    } catch (err) {
        assert.ok(err instanceof FlagError, String(err));
        return err.message;
    }
    return undefined;
};

describe("CLI flags (node:util parseArgs, said one way)", () => {
    it("reads strings, booleans and repeated flags", () => {
        assert.deepStrictEqual({ ...parseFlags(["-s", "dev", "--json", "--user", "a", "--user", "b"], OPTIONS) }, { stack: "dev", json: true, user: ["a", "b"] });
    });

    it("names the flag, in its long form, for every kind of mistake", () => {
        assert.strictEqual(refusal(["--stak", "dev"]), 'unknown flag "--stak"');
        assert.strictEqual(refusal(["--stack"]), "--stack needs a value");
        assert.strictEqual(refusal(["-s"]), "--stack needs a value");
        assert.strictEqual(refusal(["--user", "--json"]), "--user needs a value");
        assert.strictEqual(refusal(["--json=yes"]), "--json takes no value");
        assert.strictEqual(refusal(["dev"]), 'unexpected argument "dev": every input is a --flag');
    });
});
