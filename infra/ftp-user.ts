import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import * as random from "@pulumi/random";
import { hashPasswordAsync, PASSWORD_SALT_BYTES } from "../idp-lambda/password-hash";
import { TRANSFER_USER_NAME } from "./aws-facts";
import { Access, sessionPolicy } from "./policies";

export interface FtpUserArgs {
    serverId: pulumi.Input<string>;
    userName: string;
    /** The access role Transfer assumes for this user's sessions (ClosedFtpServer.accessRoleArn). */
    accessRoleArn: pulumi.Input<string>;
    /** Physical name of the bucket the user's home lives in. */
    bucketName: pulumi.Input<string>;
    /** Key prefix inside the bucket that becomes the user's "/". */
    prefix: string;
    access?: Access;
    /** Source addresses the IdP accepts for this user; absent means any address the server admits. */
    allowedSourceCidrs?: string[];
    /** A password chosen by the caller (pass it as a Pulumi secret); otherwise one is generated. */
    password?: pulumi.Input<string>;
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
        const partition = args.partition ?? "aws";
        this.userName = args.userName;

        const password = args.password !== undefined
            ? pulumi.secret(args.password)
            : new random.RandomPassword(`${name}-password`, { length: 32, special: false }, { parent: this }).result;
        // The salt lives in state, so an unchanged user re-renders the same hash and shows no diff.
        const salt = new random.RandomBytes(`${name}-salt`, { length: PASSWORD_SALT_BYTES }, { parent: this });

        const secret = new aws.secretsmanager.Secret(name, {
            name: pulumi.interpolate`aws/transfer/${args.serverId}/${args.userName}`,
            description: `closed-ftp: FTP login ${args.userName}`,
            // A removed user's name must be reusable at once; the default 30-day window blocks that.
            recoveryWindowInDays: 0,
        }, { parent: this });

        this.homeTarget = pulumi.interpolate`/${args.bucketName}/${args.prefix}`;
        const body = pulumi.all([password, salt.hex, args.accessRoleArn, args.bucketName, partition]).apply(
            async ([plaintext, saltHex, roleArn, bucketName, p]) => JSON.stringify({
                PasswordHash: await hashPasswordAsync(plaintext, Buffer.from(saltHex, "hex")),
                Role: roleArn,
                HomeDirectoryDetails: JSON.stringify([{ Entry: "/", Target: `/${bucketName}/${args.prefix}` }]),
                Policy: sessionPolicy({ bucketName, prefix: args.prefix, access, partition: p }),
                ...(args.allowedSourceCidrs?.length ? { AllowedSourceCidrs: args.allowedSourceCidrs } : {}),
            }));
        new aws.secretsmanager.SecretVersion(name, { secretId: secret.id, secretString: pulumi.secret(body) }, { parent: this });

        this.secretName = secret.name;
        this.secretArn = secret.arn;
        this.password = pulumi.secret(password);
        this.registerOutputs({ secretName: this.secretName, secretArn: this.secretArn, password: this.password, homeTarget: this.homeTarget });
    }
}
