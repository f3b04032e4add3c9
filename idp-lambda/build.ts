// Bundles the IdP into one CommonJS file for the nodejs24.x runtime. The ClosedFtpServer component
// calls buildIdpBundle() on every program run, so the deployed code is always this source.
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { buildSync } from "esbuild";

export interface IdpBundle {
    code: string;
    sha256: string;
}

/** The Lambda runtime the bundle is built for; its Node major is the project's (.nvmrc). Async handlers only. */
export const LAMBDA_RUNTIME = "nodejs24.x";
const ESBUILD_TARGET = LAMBDA_RUNTIME.replace(/^nodejs(\d+)\.x$/, "node$1");

const ENTRY = path.join(__dirname, "handler.ts");
export const BUNDLE_PATH = path.join(__dirname, "dist", "index.js");

let built: IdpBundle | undefined;

export function buildIdpBundle(): IdpBundle {
    if (built) return built;
    const result = buildSync({
        entryPoints: [ENTRY],
        bundle: true,
        platform: "node",
        target: ESBUILD_TARGET,
        format: "cjs",
        // The SDK's ES module builds tree-shake; its CommonJS builds drag in every command.
        mainFields: ["module", "main"],
        minify: true,
        // The runtime's own SDK is older and not pinned; bundling the tree-shaken client keeps
        // the version ours and loads less code at cold start than the runtime's full SDK.
        legalComments: "none",
        absWorkingDir: path.resolve(__dirname, ".."),
        write: false,
        logLevel: "silent",
    });
    const code = result.outputFiles[0].text;
    built = { code, sha256: crypto.createHash("sha256").update(code).digest("hex") };
    return built;
}

if (require.main === module) {
    const bundle = buildIdpBundle();
    fs.mkdirSync(path.dirname(BUNDLE_PATH), { recursive: true });
    fs.writeFileSync(BUNDLE_PATH, bundle.code);
    console.log(`idp-lambda: wrote ${path.relative(process.cwd(), BUNDLE_PATH)} (${bundle.code.length} bytes, sha256 ${bundle.sha256})`);
}
