import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { extractSeedHandler } from "../bench/seed-handler";

const TEMPLATE = `Some prose before the template.
---
AWSTemplateFormatVersion: '2010-09-09'
Resources:
  GetUserConfigLambda:
    Type: AWS::Lambda::Function
    Properties:
      Code:
        ZipFile:
          Fn::Sub: |
            import json

            def lambda_handler(event, context):
                return {}
      Handler: index.lambda_handler
Prose after the template ends it.
`;

describe("the seed handler, taken from the source document at bench time", () => {
    it("extracts the inline Python of the template's Lambda function, dedented", () => {
        assert.deepStrictEqual(extractSeedHandler(TEMPLATE), { ok: true, code: "import json\n\ndef lambda_handler(event, context):\n    return {}\n" });
    });

    it("says why when the document quotes no template or no handler", () => {
        assert.deepStrictEqual(extractSeedHandler("just prose"), { ok: false, why: "it quotes no CloudFormation template (no AWSTemplateFormatVersion line)" });
        const noHandler = extractSeedHandler(TEMPLATE.replace("def lambda_handler", "def other"));
        assert.ok(!noHandler.ok && /no AWS::Lambda::Function with inline Python/.test(noHandler.why));
    });

    it("finds the handler in the second source document when it is present", function () {
        const seed = path.join(__dirname, "..", "..", "..", "shared", "seeds", "001_94402f0d6fcfad67.txt");
        if (!fs.existsSync(seed)) return this.skip();
        const extracted = extractSeedHandler(fs.readFileSync(seed, "utf8"));
        assert.ok(extracted.ok && /^def lambda_handler\(event, context\):$/m.test(extracted.code) && extracted.code.includes("return response_data"));
    });

    it("npm run bench:idp refuses an unknown flag, naming it, with exit code 2", () => {
        const tsx = path.join(__dirname, "..", "..", "node_modules", ".bin", "tsx");
        const run = spawnSync(tsx, [path.join(__dirname, "..", "bench", "bench.ts"), "--sead", "x"], { encoding: "utf8" });
        assert.strictEqual(run.status, 2);
        assert.match(run.stderr, /Unknown option '--sead'/);
    });
});
