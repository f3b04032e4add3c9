// One logged-in user's view, as Transfer gives it: the LOGICAL home's entries over S3, every FTP command
// turned into the S3 (and KMS) calls of TRANSFER_CALLS, each authorised before it runs. ftp-srv (the
// FTP protocol) calls these methods; a refused call throws AccessDenied, which the server answers 550.
import { FileSystem, FtpConnection } from "ftp-srv";
import * as path from "path";
import { authorize, Call, Refuser, Session } from "./authorizer";
import { RehearsalModel } from "./model";
import { ObjectStore } from "./object-store";
import { CallTarget, FtpCommand, TRANSFER_CALLS, TransferCall } from "./transfer-calls";

/** One entry of a LOGICAL home: the virtual directory `entry` shows `/<bucket>/<prefix>`. */
export interface Mount { entry: string; bucket: string; prefix: string }

/** Where a virtual path lands: a bucket and key, or a virtual directory that only holds entries. */
interface Location { virtual: string; mount?: Mount; key: string }

export interface CallRecord {
    user: string;
    command: string;
    /** The path the command named, as the user sees it. */
    path: string;
    action: string;
    resource: string;
    /** The s3:prefix of a listing. */
    prefix?: string;
    allowed: boolean;
    refusedBy?: Refuser;
    statement?: string;
}

export class AccessDenied extends Error {
    constructor(readonly record: CallRecord) {
        super("Access denied");
        this.name = "AccessDenied";
    }
}

/** A file or directory as ftp-srv formats it in a listing. */
interface Stat { name: string; size: number; mtime: Date; mode: number; isDirectory(): boolean }
const stat = (name: string, directory: boolean, size = 0, mtime = new Date()): Stat => ({
    name, size, mtime, mode: directory ? 0o40750 : 0o100640, isDirectory: () => directory,
});

/** Parses HomeDirectoryDetails ([{Entry, Target}]) into mounts; undefined when it is not a LOGICAL home we can serve. */
export function mountsOf(homeDirectoryDetails: string | undefined): Mount[] | undefined {
    try {
        const entries = JSON.parse(homeDirectoryDetails ?? "") as { Entry?: unknown; Target?: unknown }[];
        if (!Array.isArray(entries) || entries.length === 0) return undefined;
        return entries.map(({ Entry, Target }) => {
            if (typeof Entry !== "string" || typeof Target !== "string") throw new Error("entry without Entry or Target");
            const [bucket, ...prefix] = Target.replace(/^\/|\/$/g, "").split("/");
            return { entry: path.posix.normalize(Entry).replace(/(.)\/$/, "$1"), bucket, prefix: prefix.join("/") };
        });
    } catch {
        return undefined;
    }
}

export interface SessionOptions {
    userName: string;
    session: Session;
    mounts: Mount[];
    model: RehearsalModel;
    store: ObjectStore;
    /** The FTP command being handled (the server tracks it per connection). */
    command: () => string;
    record: (call: CallRecord) => void;
}

export class TransferFileSystem extends FileSystem {
    private virtualCwd = "/";
    /** Set when a call was refused, so the server answers the command 550 whatever ftp-srv would. */
    refusal: CallRecord | undefined;

    constructor(connection: FtpConnection, private readonly options: SessionOptions) {
        super(connection, { root: options.store.root, cwd: "/" });
    }

    currentDirectory(): string {
        return this.virtualCwd;
    }

    /** A client path → where it lands. "/.." is "/": a LOGICAL home has no way out. */
    private locate(clientPath = "."): Location {
        const virtual = path.posix.resolve("/", this.virtualCwd, clientPath);
        const mount = [...this.options.mounts].sort((a, b) => b.entry.length - a.entry.length)
            .find((m) => m.entry === "/" || virtual === m.entry || virtual.startsWith(`${m.entry}/`));
        if (!mount) return { virtual, key: "" };
        const rest = mount.entry === "/" ? virtual.slice(1) : virtual.slice(mount.entry.length + 1);
        return { virtual, mount, key: [mount.prefix, rest].filter((s) => s !== "").join("/") };
    }

    /** Entries that appear as directories right inside a virtual directory. */
    private entriesUnder(virtual: string): string[] {
        return this.options.mounts.map((m) => m.entry).filter((e) => e !== "/" && path.posix.dirname(e) === virtual).map((e) => path.posix.basename(e));
    }

    private isMountRoot(location: Location): boolean {
        return location.mount !== undefined && location.key === location.mount.prefix;
    }

    private bucketOf(location: Location) {
        const bucket = location.mount && this.options.model.buckets[location.mount.bucket];
        if (!bucket) throw new Error(`No such directory: ${location.virtual} (bucket "${location.mount?.bucket ?? "none"}" is not in the plan)`);
        return bucket;
    }

    /** The S3 call, then each KMS call S3 makes for it on an SSE-KMS bucket; the first refusal throws. */
    private async authorizeCall(command: string, call: TransferCall, location: Location): Promise<void> {
        const bucket = this.bucketOf(location);
        const isList = call.action === "s3:ListBucket";
        const key = call.target === "directory marker" ? `${location.key}/` : location.key;
        const calls: Call[] = [{
            action: call.action,
            resource: isList ? bucket.arn : `${bucket.arn}/${key}`,
            resourceAccount: bucket.accountId,
            resourcePolicy: bucket.policy,
            ...(isList ? { context: { "s3:prefix": location.key === "" ? "" : `${location.key}/` } } : {}),
        }];
        const kmsKey = bucket.kmsKeyArn ? this.options.model.keys[bucket.kmsKeyArn] : undefined;
        for (const action of bucket.kmsKeyArn ? call.kms : []) {
            calls.push({
                action, resource: bucket.kmsKeyArn as string, resourceAccount: kmsKey?.accountId ?? bucket.accountId, resourcePolicy: kmsKey?.policy,
                context: { "kms:ViaService": `s3.${this.options.model.region}.amazonaws.com` },
            });
        }
        for (const c of calls) {
            const verdict = await authorize(this.options.session, c);
            const record: CallRecord = { user: this.options.userName, command, path: location.virtual, action: c.action, resource: c.resource,
                ...(c.context?.["s3:prefix"] !== undefined ? { prefix: c.context["s3:prefix"] } : {}), allowed: verdict.allowed };
            if (!verdict.allowed) Object.assign(record, { refusedBy: verdict.refusedBy }, verdict.statement ? { statement: verdict.statement } : {});
            this.options.record(record);
            if (!verdict.allowed) {
                this.refusal = record;
                throw new AccessDenied(record);
            }
        }
    }

    /** Runs a command's calls in table order: authorise one, let it take effect, then the next. */
    private async perform(command: FtpCommand, targets: Partial<Record<CallTarget, Location>>, effect: (call: TransferCall) => Promise<void> | void = () => undefined): Promise<void> {
        for (const call of TRANSFER_CALLS[command]) {
            const location = targets[call.target];
            if (!location) throw new Error(`rehearse: ${command} has no ${call.target}`);
            await this.authorizeCall(command, call, location);
            await effect(call);
        }
    }

    private requireObject(location: Location) {
        const bucket = this.bucketOf(location);
        const info = this.options.store.head(bucket.name, location.key);
        if (!info) throw new Error(`No such file: ${location.virtual}`);
        return info;
    }

    private isDirectory(location: Location): boolean {
        if (!location.mount) return this.entriesUnder(location.virtual).length > 0;
        return this.isMountRoot(location) || this.options.store.hasPrefix(this.bucketOf(location).name, location.key);
    }

    async get(fileName: string): Promise<Stat> {
        const location = this.locate(fileName);
        const command = this.options.command();
        const name = path.posix.basename(location.virtual) || "/";
        const listing = ["LIST", "NLST", "STAT"].includes(command);
        // A listing's own ListBucket happens in list(); here only whether the path is a directory matters.
        if (listing && this.isDirectory(location)) return stat(name, true);
        if (!location.mount) throw new Error(`No such file: ${location.virtual}`);
        // Listing one file lists its directory; SIZE, MDTM and RNFR look the object up (HeadObject).
        if (listing) await this.perform("LIST", { directory: this.locate(path.posix.dirname(location.virtual)) });
        else await this.perform(command === "RNFR" || command === "MDTM" ? command : "SIZE", { file: location, source: location });
        const info = this.requireObject(location);
        return stat(name, false, info.size, info.mtime);
    }

    async list(clientPath = "."): Promise<Stat[]> {
        const location = this.locate(clientPath);
        const entries = this.entriesUnder(location.virtual).map((e) => stat(e, true));
        if (!location.mount) return entries;
        await this.perform(this.options.command() === "NLST" ? "NLST" : "LIST", { directory: location });
        const listing = this.options.store.list(this.bucketOf(location).name, location.key);
        return [
            ...entries,
            ...listing.prefixes.map((p) => stat(p.name, true, 0, p.mtime)),
            ...listing.objects.map((o) => stat(o.name, false, o.size, o.mtime)),
        ];
    }

    async chdir(clientPath = "."): Promise<string> {
        const location = this.locate(clientPath);
        if (location.mount) await this.perform("CWD", { directory: location });
        if (!this.isDirectory(location) && location.virtual !== "/") throw new Error(`No such directory: ${location.virtual}`);
        this.virtualCwd = location.virtual;
        return this.virtualCwd;
    }

    async read(fileName: string, { start }: { start?: number } = {}): Promise<{ stream: NodeJS.ReadableStream; clientPath: string }> {
        const location = this.locate(fileName);
        if (!location.mount) throw new Error(`No such file: ${location.virtual}`);
        await this.perform("RETR", { file: location });
        this.requireObject(location);
        return { stream: this.options.store.read(this.bucketOf(location).name, location.key, start), clientPath: location.virtual };
    }

    async write(fileName: string, { append, start }: { append?: boolean; start?: number } = {}): Promise<{ stream: NodeJS.WritableStream; clientPath: string }> {
        const location = this.locate(fileName);
        // S3 objects are written whole: Transfer refuses appends and restarted uploads.
        if (append || start) throw new Error("Appending to a file is not supported");
        if (!location.mount || this.isMountRoot(location)) throw new Error(`Cannot write ${location.virtual}`);
        await this.perform("STOR", { file: location });
        return { stream: this.options.store.write(this.bucketOf(location).name, location.key), clientPath: location.virtual };
    }

    async delete(clientPath: string): Promise<void> {
        const location = this.locate(clientPath);
        if (!location.mount || this.isMountRoot(location)) throw new Error(`Cannot remove ${location.virtual}`);
        const bucket = this.bucketOf(location).name;
        if (this.options.command().endsWith("RMD")) {
            await this.perform("RMD", { directory: location, "directory marker": location }, (call) => {
                if (call.action !== "s3:ListBucket") return this.options.store.deleteMarker(bucket, location.key);
                if (!this.options.store.hasPrefix(bucket, location.key)) throw new Error(`No such directory: ${location.virtual}`);
                const listing = this.options.store.list(bucket, location.key);
                if (listing.objects.length + listing.prefixes.length > 0) throw new Error(`Directory not empty: ${location.virtual}`);
            });
            return;
        }
        await this.perform("DELE", { file: location }, () => {
            this.requireObject(location);
            this.options.store.delete(bucket, location.key);
        });
    }

    async mkdir(clientPath: string): Promise<string> {
        const location = this.locate(clientPath);
        if (!location.mount || this.isMountRoot(location)) throw new Error(`Cannot create ${location.virtual}`);
        await this.perform("MKD", { "directory marker": location }, () => this.options.store.putMarker(this.bucketOf(location).name, location.key));
        return location.virtual;
    }

    async rename(from: string, to: string): Promise<void> {
        const source = this.locate(from);
        const destination = this.locate(to);
        if (!source.mount || !destination.mount) throw new Error(`Cannot rename ${source.virtual} to ${destination.virtual}`);
        const sourceBucket = this.bucketOf(source).name;
        if (this.bucketOf(destination).name !== sourceBucket) throw new Error("Renaming across buckets is not supported");
        await this.perform("RNTO", { source, destination }, async (call) => {
            if (call.action === "s3:GetObject") this.requireObject(source);
            else if (call.action === "s3:PutObject") await this.options.store.copy(sourceBucket, source.key, destination.key);
            else this.options.store.delete(sourceBucket, source.key);
        });
    }

    async chmod(): Promise<never> {
        throw new Error("SITE CHMOD is not supported");
    }
}
