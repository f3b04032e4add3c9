// Values as they travel between a Pulumi program and its engine: google.protobuf.Struct JSON in
// which a few signature keys mark secrets, assets and archives, and one string stands for a value a
// preview cannot know (pulumi/pulumi sdk/go/common/resource/plugin/rpc.go, "sig" and
// "UnknownStringValue"). The mock cloud records values in this form, exactly as it received them.
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { SECRET_PLACEHOLDER, UNKNOWN_PLACEHOLDER } from "../format";

/** The key whose value says what kind of special object a map is. */
export const SIG_KEY = "4dabf18193072939515e22adb298388d";
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
export const ASSET_SIG = "c44067f5952c0a294b673a41bacd8c17";
export const ARCHIVE_SIG = "0def7320c3a5731c473e5ecbe6d01bc7";
/** A computed value a preview does not know yet. */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export type WireSecret = { [SIG_KEY]: typeof SECRET_SIG; value: unknown };

function sigOf(value: unknown): unknown {
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>)[SIG_KEY] : undefined;
}

export function isSecret(value: unknown): value is WireSecret {
    return sigOf(value) === SECRET_SIG;
}

export function secret(value: unknown): WireSecret {
    return { [SIG_KEY]: SECRET_SIG, value };
}

/** A value with its secret marker (if any) taken off. */
export function unwrapSecret(value: unknown): unknown {
    return isSecret(value) ? value.value : value;
}

/** A Struct as a plain object, signature maps and the unknown sentinel kept. */
export function fromStruct(struct: Struct | undefined): Record<string, unknown> {
    return (struct?.toJavaScript() ?? {}) as Record<string, unknown>;
}

function dropUndefined(value: unknown): unknown {
    if (Array.isArray(value)) return value.map(dropUndefined);
    if (typeof value === "object" && value !== null) {
        return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined).map(([k, v]) => [k, dropUndefined(v)]));
    }
    return value;
}

/** A plain object (undefined members left out, as JSON would) as a Struct. */
export function toStruct(value: Record<string, unknown>): Struct {
    return Struct.fromJavaScript(dropUndefined(value) as Record<string, never>);
}

function describeAsset(value: Record<string, unknown>): Record<string, unknown> {
    // An archive of named assets (the IdP bundle); the program puts a digest of its contents next to it.
    if (value[SIG_KEY] === ARCHIVE_SIG && value.assets !== undefined) return { archive: "assets" };
    for (const kind of ["path", "uri"]) if (value[kind] !== undefined) return { asset: kind };
    return { asset: "text" };
}

/** A recorded value for people: secrets as "[secret]" (or revealed), unknowns as "[unknown]", assets by kind. */
export function revealSecrets(value: unknown, showSecrets: boolean): unknown {
    if (value === UNKNOWN) return UNKNOWN_PLACEHOLDER;
    const sig = sigOf(value);
    if (sig === SECRET_SIG) return showSecrets ? revealSecrets((value as WireSecret).value, true) : SECRET_PLACEHOLDER;
    if (sig === ASSET_SIG || sig === ARCHIVE_SIG) return describeAsset(value as Record<string, unknown>);
    if (Array.isArray(value)) return value.map((v) => revealSecrets(v, showSecrets));
    if (typeof value === "object" && value !== null) {
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, revealSecrets(v, showSecrets)]));
    }
    return value;
}
