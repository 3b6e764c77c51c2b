// The shared zip reader (src/core/archive) over in-memory archives: central directory (zip64, comments,
// prefixes), entries stored and deflated, and every way an archive can be wrong ending in a ZipFormatError.
import { describe, expect, it } from "vitest";
import { crc32, entryStream, readCentralDirectory, readEntry, ZipFormatError, type ZipEntry } from "../../src/core/archive";
import { makeZip, memorySource } from "../support/zip-writer";

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
const enc = new TextEncoder();

async function readAll(zip: Uint8Array): Promise<Record<string, string>> {
  const source = memorySource(zip);
  const out: Record<string, string> = {};
  for (const entry of await readCentralDirectory(source)) out[entry.name] = text(await readEntry(source, entry, 1024 * 1024));
  return out;
}

/** The offset of an entry's first data byte in an archive from makeZip (no prefix). */
const firstDataByte = (entry: ZipEntry) => entry.localHeaderOffset + 30 + enc.encode(entry.name).byteLength;

describe("the central directory", () => {
  it("reads stored and deflated entries, with their sizes, CRC-32 and methods", async () => {
    const zip = await makeZip([
      { name: "a.txt", data: "stored", method: "store" },
      { name: "dir/b.txt", data: "deflated ".repeat(100) },
    ]);
    const entries = await readCentralDirectory(memorySource(zip));
    expect(entries.map((e) => [e.name, e.method, e.uncompressedSize, e.crc32])).toEqual([
      ["a.txt", 0, 6, crc32(enc.encode("stored"))],
      ["dir/b.txt", 8, 900, crc32(enc.encode("deflated ".repeat(100)))],
    ]);
    expect(entries[1]!.compressedSize).toBeLessThan(900);
    expect(await readAll(zip)).toEqual({ "a.txt": "stored", "dir/b.txt": "deflated ".repeat(100) });
  });

  it("reads zip64 end records and offsets, a comment holding a fake end signature, bytes before the archive, and data descriptors", async () => {
    const files = [{ name: "x", data: "X".repeat(5000) }, { name: "y", data: "Y" }];
    const want = { x: "X".repeat(5000), y: "Y" };
    expect(await readAll(await makeZip(files, { zip64: true, comment: "made by a test" }))).toEqual(want);
    expect(await readAll(await makeZip(files, { comment: "PK\x05\x06 fake" }))).toEqual(want);
    expect(await readAll(await makeZip(files, { prefix: enc.encode("#!/bin/sh\n") }))).toEqual(want);
    expect(await readAll(await makeZip(files, { dataDescriptor: true }))).toEqual(want);
  });

  it("reads the directory and one entry without reading the rest of the archive", async () => {
    const big = new Uint8Array(2 * 1024 * 1024).map((_, i) => (i * 7) & 0xff);
    const source = memorySource(await makeZip([{ name: "small", data: "{}" }, { name: "big.bin", data: big, method: "store" }]));
    const [small] = await readCentralDirectory(source);
    expect(text(await readEntry(source, small!, 1024))).toBe("{}");
    expect(source.reads.reduce((n, [, length]) => n + length, 0)).toBeLessThan(70 * 1024);
  });

  it("keeps names that are not UTF-8, marked so", async () => {
    const zip = await makeZip([{ name: "n\u00e9.txt", data: "x" }]);
    const at = zip.lastIndexOf(0xc3); // the central directory's copy of the name: é as Latin-1 bytes
    zip[at] = 0xe9;
    zip[at + 1] = 0x2e;
    const [entry] = await readCentralDirectory(memorySource(zip));
    expect(entry!.utf8Name).toBe(false);
  });

  it("refuses what is not a zip archive, or a truncated or inconsistent directory", async () => {
    const zip = await makeZip([{ name: "a", data: "1" }, { name: "b", data: "2" }]);
    const endAt = zip.byteLength - 22;
    const cases: [Uint8Array, RegExp][] = [
      [enc.encode("not a zip at all, just some text of some length"), /not a zip archive/],
      [enc.encode("tiny"), /not a zip archive/],
      [zip.slice(0, endAt - 10), /not a zip archive/], // the end record cut off
      [Uint8Array.from([...zip.slice(0, endAt - 20), ...zip.slice(endAt - 10)]), /outside the archive|runs past its end/], // the directory truncated
    ];
    const recount = zip.slice();
    new DataView(recount.buffer).setUint16(endAt + 10, 3, true);
    cases.push([recount, /lists 2 entries, the end record says 3/]);
    const shortEntry = zip.slice();
    new DataView(shortEntry.buffer).setUint16(zip.byteLength - 22 + 12, 50, true); // directory size: half the first entry
    new DataView(shortEntry.buffer).setUint32(zip.byteLength - 22 + 16, endAt - 50, true);
    cases.push([shortEntry, /runs past its end|outside the archive|lists 0 entries/]);
    for (const [bytes, message] of cases) {
      const error = await readCentralDirectory(memorySource(bytes)).catch((e: unknown) => e);
      expect(error, String(message)).toBeInstanceOf(ZipFormatError);
      expect((error as Error).message).toMatch(message);
    }
    await expect(readCentralDirectory(memorySource(zip), 10)).rejects.toThrow(/larger than 10 bytes/);
    const error = await readCentralDirectory(memorySource(enc.encode("plain text, no zip here"))).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ZipFormatError);
    expect((error as ZipFormatError).code).toBe("not_zip");
  });
});

describe("an entry", () => {
  it("fails on a CRC-32 mismatch, with the entry's name", async () => {
    const zip = await makeZip([{ name: "composer.json", data: "{}", method: "store" }]);
    const [entry] = await readCentralDirectory(memorySource(zip));
    zip[firstDataByte(entry!)] = "[".charCodeAt(0);
    await expect(readEntry(memorySource(zip), entry!, 1024)).rejects.toThrow(/composer.json does not match its CRC-32/);
  });

  it("fails on corrupt deflate data as a ZipFormatError, never an unhandled rejection", async () => {
    const zip = await makeZip([{ name: "go.mod", data: "module example.test/x\n".repeat(50) }]);
    const [entry] = await readCentralDirectory(memorySource(zip));
    zip.fill(0xff, firstDataByte(entry!), firstDataByte(entry!) + 8);
    const error = await readEntry(memorySource(zip), entry!, 1024 * 1024).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ZipFormatError);
    expect((error as ZipFormatError).code).toBe("corrupt");
    // Streamed and abandoned half-way: the pipe's rejection is handled inside the reader.
    const stream = await entryStream(memorySource(zip), entry!);
    await stream.getReader().read().catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 10));
  });

  it("fails when the data is longer or shorter than the directory declares", async () => {
    const zip = await makeZip([{ name: "a", data: "abcdef" }]);
    const source = memorySource(zip);
    const [entry] = await readCentralDirectory(source);
    await expect(readEntry(source, { ...entry!, uncompressedSize: 4 }, 1024)).rejects.toThrow(/larger than its declared size \(4 bytes\)/);
    await expect(readEntry(source, { ...entry!, uncompressedSize: 9 }, 1024)).rejects.toThrow(/smaller than its declared size \(9 bytes\)/);
  });

  it("refuses entries over the caller's limit, encrypted or neither stored nor deflated, or outside the archive", async () => {
    const zip = await makeZip([{ name: "a", data: "x".repeat(3000) }]);
    const source = memorySource(zip);
    const [entry] = await readCentralDirectory(source);
    await expect(readEntry(source, entry!, 1000)).rejects.toThrow(/a is larger than 1000 bytes/);
    await expect(readEntry(source, { ...entry!, flags: entry!.flags | 1 }, 1e6)).rejects.toThrow(/encrypted/);
    await expect(readEntry(source, { ...entry!, method: 12 }, 1e6)).rejects.toThrow(/unsupported compression method 12/);
    await expect(readEntry(source, { ...entry!, localHeaderOffset: zip.byteLength }, 1e6)).rejects.toThrow(/outside the archive/);
    await expect(readEntry(source, { ...entry!, localHeaderOffset: 5 }, 1e6)).rejects.toThrow(/no local header/);
    await expect(readEntry(source, { ...entry!, compressedSize: zip.byteLength }, 1e6)).rejects.toThrow(/runs past the end/);
  });

  it("computes CRC-32 as zip does", () => {
    expect(crc32(enc.encode("123456789"))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
  });
});
