import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import * as random from "@pulumi/random";
import { hashPasswordAsync, PASSWORD_SALT_BYTES } from "../idp-lambda/password-hash";
import { TRANSFER_USER_NAME } from "./aws-facts";
import { Access, sessionPolicy } from "./policies";

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
    /** ARN partition; read from the access role's ARN when left out. */
    partition?: pulumi.Input<string>;
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
        const access = args.access ?? "read-write";
        const partition = args.partition ?? pulumi.output(args.accessRoleArn).apply((arn) => arn.split(":")[1]);
        this.userName = args.userName;

        // One random resource per user: the salt lives in state, so an unchanged user re-renders the
        // same hash and shows no diff; a generated password comes from the same bytes.
        const generated = args.password === undefined;
        const randomBytes = new random.RandomBytes(`${name}-${generated ? "credentials" : "salt"}`, {
            length: PASSWORD_SALT_BYTES + (generated ? GENERATED_PASSWORD_BYTES : 0),
        }, { parent: this });
        // Hex, not Buffers, inside Outputs: Pulumi would flatten a Buffer into a plain object.
        const saltHex = randomBytes.hex.apply((hex) => hex.slice(0, 2 * PASSWORD_SALT_BYTES));
        const password = generated
            ? pulumi.secret(randomBytes.hex.apply((hex) => Buffer.from(hex.slice(2 * PASSWORD_SALT_BYTES), "hex").toString("base64url")))
            : pulumi.secret(args.password as pulumi.Input<string>);

        const secret = new aws.secretsmanager.Secret(name, {
            name: pulumi.interpolate`aws/transfer/${args.serverId}/${args.userName}`,
            description: `closed-ftp: FTP login ${args.userName}`,
            // A removed user's name must be reusable at once; the default 30-day window blocks that.
            recoveryWindowInDays: 0,
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
