// A Secrets Manager that speaks the service's JSON protocol on 127.0.0.1, for the SDK adapter's
// tests and the cold-start benchmark (both our handler and the seed's boto3 handler call it).
import * as http from "http";
import { AddressInfo } from "net";

export interface LoopbackSecretsManager {
    url: string;
    /** GetSecretValue calls answered, by secret id. */
    calls: Map<string, number>;
    close(): Promise<void>;
}

export interface LoopbackOptions {
    /** Wait this long before answering at all. */
    delayMs?: number;
    /** Send the headers at once, then the body one byte every trickleMs (a stalled, not silent, peer). */
    trickleMs?: number;
}

export async function startLoopbackSecretsManager(secrets: Record<string, string>, options: LoopbackOptions = {}): Promise<LoopbackSecretsManager> {
    const calls = new Map<string, number>();
    const server = http.createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on("data", (c: Buffer) => chunks.push(c));
        req.on("end", () => {
            const reply = (status: number, body: unknown) => {
                const bytes = Buffer.from(JSON.stringify(body));
                res.writeHead(status, { "content-type": "application/x-amz-json-1.1", "content-length": bytes.length });
                if (!options.trickleMs) return void res.end(bytes);
                let sent = 0;
                const drip = setInterval(() => {
                    if (res.destroyed || sent >= bytes.length) {
                        clearInterval(drip);
                        if (!res.destroyed) res.end();
                        return;
                    }
                    res.write(bytes.subarray(sent, ++sent));
                }, options.trickleMs);
            };
            const answer = () => {
                if (req.headers["x-amz-target"] !== "secretsmanager.GetSecretValue") {
                    return reply(400, { __type: "UnknownOperationException", message: `unsupported ${req.headers["x-amz-target"]}` });
                }
                let secretId: string;
                try {
                    secretId = String(JSON.parse(Buffer.concat(chunks).toString("utf8")).SecretId);
                } catch {
                    return reply(400, { __type: "SerializationException", message: "body is not JSON" });
                }
                calls.set(secretId, (calls.get(secretId) ?? 0) + 1);
                const value = secrets[secretId];
                if (value === undefined) return reply(400, { __type: "ResourceNotFoundException", message: "Secrets Manager can't find the specified secret." });
                return reply(200, {
                    ARN: `arn:aws:secretsmanager:us-east-1:111111111111:secret:${secretId}-AbCdEf`,
                    Name: secretId, SecretString: value, VersionId: "00000000-0000-4000-a000-000000000000", VersionStages: ["AWSCURRENT"], CreatedDate: 1700000000,
                });
            };
            if (options.delayMs) setTimeout(answer, options.delayMs);
            else answer();
        });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    return {
        url: `http://127.0.0.1:${port}`,
        calls,
        close: () => new Promise<void>((resolve) => {
            server.closeAllConnections();
            server.close(() => resolve());
        }),
    };
}

/** Environment for an SDK client (ours or boto3) aimed at the loopback server with dummy credentials. */
export function loopbackEnv(url: string): Record<string, string> {
    return {
        AWS_REGION: "us-east-1", AWS_DEFAULT_REGION: "us-east-1", AWS_ACCESS_KEY_ID: "AKIDLOOPBACK", AWS_SECRET_ACCESS_KEY: "loopback-secret",
        AWS_ENDPOINT_URL_SECRETS_MANAGER: url, AWS_EC2_METADATA_DISABLED: "true",
    };
}
