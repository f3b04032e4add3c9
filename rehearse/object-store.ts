// S3 on disk: object <key> of bucket <bucket> is the file DIR/<bucket>/<key>; a prefix is a directory,
// and a directory marker "<dir>/" is that directory existing. Only what Transfer's calls need.
import * as fs from "fs";
import * as path from "path";
import { pipeline } from "stream/promises";
import { Readable, Writable } from "stream";

export interface ObjectInfo { size: number; mtime: Date }
export interface Listing { objects: (ObjectInfo & { name: string })[]; prefixes: { name: string; mtime: Date }[] }

export class ObjectStore {
    constructor(readonly root: string) {}

    /** The on-disk path of a key; keys never climb out of their bucket. */
    pathOf(bucket: string, key: string): string {
        const bucketDir = path.join(this.root, bucket);
        const resolved = path.resolve(bucketDir, key);
        if (resolved !== bucketDir && !resolved.startsWith(bucketDir + path.sep)) throw new Error(`key "${key}" leaves bucket ${bucket}`);
        return resolved;
    }

    createBucket(bucket: string): void {
        fs.mkdirSync(this.pathOf(bucket, ""), { recursive: true });
    }

    /** HeadObject: undefined when there is no such object. */
    head(bucket: string, key: string): ObjectInfo | undefined {
        const stat = fs.statSync(this.pathOf(bucket, key), { throwIfNoEntry: false });
        return stat?.isFile() ? { size: stat.size, mtime: stat.mtime } : undefined;
    }

    /** True when some object or marker lies under "<prefix>/". */
    hasPrefix(bucket: string, prefix: string): boolean {
        return fs.statSync(this.pathOf(bucket, prefix), { throwIfNoEntry: false })?.isDirectory() ?? false;
    }

    /** ListObjectsV2 with delimiter "/": the objects and common prefixes right under "<prefix>/". */
    list(bucket: string, prefix: string): Listing {
        const dir = this.pathOf(bucket, prefix);
        const listing: Listing = { objects: [], prefixes: [] };
        if (!fs.statSync(dir, { throwIfNoEntry: false })?.isDirectory()) return listing;
        for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
            const stat = fs.statSync(path.join(dir, entry.name));
            if (entry.isDirectory()) listing.prefixes.push({ name: entry.name, mtime: stat.mtime });
            else if (entry.name.startsWith(".rehearse-upload-")) continue;
            else listing.objects.push({ name: entry.name, size: stat.size, mtime: stat.mtime });
        }
        return listing;
    }

    read(bucket: string, key: string, start?: number): Readable {
        return fs.createReadStream(this.pathOf(bucket, key), { start });
    }

    /** PutObject: a stream whose bytes become the object only once it finishes, as an upload completes. */
    write(bucket: string, key: string): Writable {
        const target = this.pathOf(bucket, key);
        if (fs.statSync(target, { throwIfNoEntry: false })?.isDirectory()) throw new Error(`"${key}" is a directory`);
        fs.mkdirSync(path.dirname(target), { recursive: true });
        const partial = path.join(path.dirname(target), `.rehearse-upload-${process.pid}-${Date.now()}-${path.basename(target)}`);
        const stream = fs.createWriteStream(partial);
        // On "finish", registered before any caller's listener: the object exists before the upload is answered.
        // No "close" listener: ftp-srv emits "close" itself instead of ending a stream that has one.
        stream.once("finish", () => fs.renameSync(partial, target));
        stream.once("error", () => fs.rmSync(partial, { force: true }));
        return stream;
    }

    async copy(bucket: string, from: string, to: string): Promise<void> {
        await pipeline(this.read(bucket, from), this.write(bucket, to));
    }

    /** PutObject of a directory marker "<dir>/". */
    putMarker(bucket: string, prefix: string): void {
        fs.mkdirSync(this.pathOf(bucket, prefix), { recursive: true });
    }

    delete(bucket: string, key: string): void {
        fs.rmSync(this.pathOf(bucket, key), { force: true });
    }

    /** DeleteObject of "<dir>/": the prefix goes only when nothing is left under it. */
    deleteMarker(bucket: string, prefix: string): void {
        fs.rmdirSync(this.pathOf(bucket, prefix));
    }
}
