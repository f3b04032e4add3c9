// The mock cloud for component tests, in the test's own process through Pulumi's public mock
// runtime (`pulumi.runtime.setMocks`). Its Mocks interface sees a resource's type, name, inputs and
// provider, not its parent or dependencies: what needs those is asserted on a plan, which runs the
// program through Pulumi's runner (plan/runner.ts).
import * as pulumi from "@pulumi/pulumi";
import { MockCloud, MockCloudOptions, urnOf } from "./cloud";
import { ARCHIVE_SIG, ASSET_SIG, SIG_KEY } from "./wire";

const PROJECT = "closed-ftp";

// Assets reach Mocks as SDK objects; the record keeps their wire form, as the monitor sees it.
async function toWireForm(value: unknown): Promise<unknown> {
    if (pulumi.asset.Asset.isInstance(value)) {
        const asset = value as unknown as Record<string, Promise<string> | undefined>;
        for (const kind of ["text", "path", "uri"]) if (asset[kind] !== undefined) return { [SIG_KEY]: ASSET_SIG, [kind]: await asset[kind] };
    }
    if (pulumi.asset.Archive.isInstance(value)) {
        const archive = value as unknown as Record<string, Promise<unknown> | undefined>;
        if (archive.assets !== undefined) return { [SIG_KEY]: ARCHIVE_SIG, assets: await toWireForm(await archive.assets) };
        for (const kind of ["path", "uri"]) if (archive[kind] !== undefined) return { [SIG_KEY]: ARCHIVE_SIG, [kind]: await archive[kind] };
    }
    if (Array.isArray(value)) return Promise.all(value.map(toWireForm));
    if (typeof value === "object" && value !== null) {
        return Object.fromEntries(await Promise.all(Object.entries(value).map(async ([k, v]) => [k, await toWireForm(v)] as const)));
    }
    return value;
}

export interface InProcessOptions extends MockCloudOptions {
    stack?: string;
}

/** A mock cloud installed as this process's Pulumi runtime. */
export class InProcessCloud extends MockCloud {
    private constructor(options: InProcessOptions) {
        super(options);
    }

    /** Installs a fresh mock cloud as Pulumi's runtime; call before the code under test registers anything. */
    static async install(options: InProcessOptions = {}): Promise<InProcessCloud> {
        const stack = options.stack ?? "test";
        const cloud = new InProcessCloud({ ...options, defaultAccountId: options.defaultAccountId ?? "999999999999" });
        const mocks: pulumi.runtime.Mocks = {
            newResource: async (args) => {
                const inputs = (await toWireForm(args.inputs ?? {})) as Record<string, unknown>;
                const answer = cloud.register({
                    urn: urnOf(stack, PROJECT, args.type, args.name, null), type: args.type, name: args.name, custom: args.custom ?? true,
                    parent: null, providerRef: args.provider, inputs, readId: args.id || undefined,
                });
                return { id: answer.id || undefined, state: answer.state };
            },
            call: (args) => {
                try {
                    return cloud.invoke(args.token, (args.inputs ?? {}) as Record<string, unknown>, args.provider);
                } catch (err) {
                    // The SDK reports a failed invoke by its gRPC status details, as the engine sends them.
                    throw Object.assign(err as Error, { details: (err as Error).message });
                }
            },
        };
        await pulumi.runtime.setMocks(mocks, PROJECT, stack, options.firstPreview ?? false);
        return cloud;
    }

    /** Waits for every registration the code started (Pulumi's public `disconnect`), then throws what the cloud refused. */
    async settled(): Promise<void> {
        await pulumi.runtime.disconnect();
        const refusals = this.refusals();
        if (refusals.length > 0) throw new Error(refusals.join("\n"));
    }
}

/** Resolves an Output for a test assertion (secret or not). */
export function promiseOf<T>(output: pulumi.Output<T>): Promise<T> {
    return new Promise((resolve) => output.apply((value) => resolve(value)));
}
