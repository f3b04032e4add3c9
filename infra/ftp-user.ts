import * as crypto from "crypto";
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { nameTag } from "./tags";
import * as random from "@pulumi/random";
import { hashPasswordAsync, PASSWORD_SALT_BYTES } from "../idp-lambda/password-hash";
import { Access, DEFAULTS, TRANSFER_USER_NAME } from "./model";
import { sessionPolicy } from "./policies";

/** A generated password is this many random bytes, base64url: 32 characters, 192 bits. */
const GENERATED_PASSWORD_BYTES = 24;

export interface FtpUserArgs {
    serverId: pulumi.Input<string>;
    userName: string;
    /** The role Transfer assumes for this user's sessions: its bucket's (CrossAccountBucket.accessRoleArn). */
    accessRoleArn: pulumi.Input<string>;
    /** Physical name of the bucket the user's home lives in. */
    bucketName: pulumi.Input<string>;
    /** The bucket's SSE-KMS key (CrossAccountBucket.kmsKeyArn); the session policy must admit it or every transfer fails. */
    kmsKeyArn?: pulumi.Input<string>;
    /** Key prefix inside the bucket that becomes the user's "/". */
    prefix: string;
    access?: Access;
    /** Source addresses the IdP accepts for this user; absent means any address the server admits. */
    allowedSourceCidrs?: string[];
    /** A password chosen by the caller (pass it as a Pulumi secret); otherwise one is generated. */
    password?: pulumi.Input<string>;
    /**
     * A secret of at least 32 random bytes (hex) shared by many users, from which this user's salt and
     * generated password derive (HMAC-SHA256 with the user name and passwordVersion): a user then costs
     * no random resource of its own. Left out, the user gets its own random bytes.
     */
    credentialSeed?: pulumi.Input<string>;
    /** Raise it to rotate a generated password (and re-salt): only with credentialSeed. Default 1. */
    passwordVersion?: number;
    /** ARN partition; read from the access role's ARN when left out. */
    partition?: pulumi.Input<string>;
}

/** Salt then password bytes of one user, derived from a shared seed; distinct per user, name and version. */
export function derivedCredentialHex(seedHex: string, userName: string, passwordVersion: number): string {
    const seed = Buffer.from(seedHex, "hex");
    if (seed.length < 32 || seed.toString("hex") !== seedHex.toLowerCase()) throw new Error("credentialSeed: needs at least 32 bytes of hex");
    const derive = (purpose: string) => crypto.createHmac("sha256", seed).update(`closed-ftp|${purpose}|${userName}|${passwordVersion}`).digest();
    return Buffer.concat([derive("salt").subarray(0, PASSWORD_SALT_BYTES), derive("password").subarray(0, GENERATED_PASSWORD_BYTES)]).toString("hex");
}

/** One FTP login: a seed-format secret with a salted hash, a logical home and a session policy. */
export class FtpUser extends pulumi.ComponentResource {
    readonly userName: string;
    readonly secretName: pulumi.Output<string>;
    readonly secretArn: pulumi.Output<string>;
    /** The plaintext password, only ever as a secret output. */
    readonly password: pulumi.Output<string>;
    /** Where "/" of the user's session lands: /<bucket>/<prefix>. */
    readonly homeTarget: pulumi.Output<string>;

    constructor(name: string, args: FtpUserArgs, opts?: pulumi.ComponentResourceOptions) {
        super("closed-ftp:index:FtpUser", name, {}, opts);
        if (!TRANSFER_USER_NAME.test(args.userName)) {
            throw new Error(`FtpUser ${name}: userName "${args.userName}" does not match Transfer's pattern ${TRANSFER_USER_NAME.source}`);
        }
        const access = args.access ?? DEFAULTS.access;
        const partition = args.partition ?? pulumi.output(args.accessRoleArn).apply((arn) => arn.split(":")[1]);
        this.userName = args.userName;

        const passwordVersion = args.passwordVersion ?? DEFAULTS.passwordVersion;
        if (!Number.isInteger(passwordVersion) || passwordVersion < 1) throw new Error(`FtpUser ${name}: passwordVersion ${passwordVersion} is not a whole number from 1`);
        if (args.passwordVersion !== undefined && args.credentialSeed === undefined) {
            throw new Error(`FtpUser ${name}: passwordVersion needs credentialSeed (without it, rotate by replacing the user's random bytes)`);
        }
        // The salt (and a generated password) stay the same from run to run, so an unchanged user
        // re-renders the same hash and shows no diff: from the shared seed, or from random bytes in state.
        const generated = args.password === undefined;
        const credentialHex = args.credentialSeed !== undefined
            ? pulumi.secret(pulumi.output(args.credentialSeed).apply((seed) => derivedCredentialHex(seed, args.userName, passwordVersion)))
            : new random.RandomBytes(`${name}-${generated ? "credentials" : "salt"}`, {
                length: PASSWORD_SALT_BYTES + (generated ? GENERATED_PASSWORD_BYTES : 0),
            }, { parent: this }).hex;
        // Hex, not Buffers, inside Outputs: Pulumi would flatten a Buffer into a plain object.
        const saltHex = credentialHex.apply((hex) => hex.slice(0, 2 * PASSWORD_SALT_BYTES));
        const password = generated
            ? pulumi.secret(credentialHex.apply((hex) => Buffer.from(hex.slice(2 * PASSWORD_SALT_BYTES), "hex").toString("base64url")))
            : pulumi.secret(args.password as pulumi.Input<string>);

        const secret = new aws.secretsmanager.Secret(name, {
            name: pulumi.interpolate`aws/transfer/${args.serverId}/${args.userName}`,
            description: `closed-ftp: FTP login ${args.userName}`,
            // A removed user's name must be reusable at once; the default 30-day window blocks that.
            recoveryWindowInDays: 0,
            tags: nameTag(name),
        }, { parent: this });

        this.homeTarget = pulumi.interpolate`/${args.bucketName}/${args.prefix}`;
        const body = pulumi.all([password, saltHex, args.accessRoleArn, args.bucketName, args.kmsKeyArn, partition]).apply(
            async ([plaintext, salt, roleArn, bucketName, kmsKeyArn, p]) => JSON.stringify({
                PasswordHash: await hashPasswordAsync(plaintext, Buffer.from(salt, "hex")),
                Role: roleArn,
                HomeDirectoryDetails: JSON.stringify([{ Entry: "/", Target: `/${bucketName}/${args.prefix}` }]),
                Policy: sessionPolicy({ bucketName, prefix: args.prefix, access, kmsKeyArn, partition: p }),
                ...(args.allowedSourceCidrs?.length ? { AllowedSourceCidrs: args.allowedSourceCidrs } : {}),
            }));
        new aws.secretsmanager.SecretVersion(name, { secretId: secret.id, secretString: pulumi.secret(body) }, { parent: this });

        this.secretName = secret.name;
        this.secretArn = secret.arn;
        this.password = password;
        this.registerOutputs({ secretName: this.secretName, secretArn: this.secretArn, password: this.password, homeTarget: this.homeTarget });
    }
}
