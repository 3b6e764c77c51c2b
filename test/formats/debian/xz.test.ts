// The xz/LZMA2 decoder and the control members of .debs built by the real dpkg-deb (default xz, -Zgzip,
// -Zzstd, -Znone): fixtures from make-fixtures.sh, decoded in workerd and compared by SHA-256.
import { describe, expect, it } from "vitest";
import { readDebControl } from "../../../src/formats/debian/deb";
import { decodeXz, XzError } from "../../../src/formats/debian/xz";
import { tar } from "../helm/charts";
import { ar, xzStored } from "./debs";
import { control, debs, streams } from "./xz-fixtures";

const enc = new TextEncoder();
const unb64 = (s: string) => Uint8Array.from(atob(s), (ch) => ch.charCodeAt(0));
const hex = async (b: Uint8Array) => [...new Uint8Array(await crypto.subtle.digest("SHA-256", b))].map((x) => x.toString(16).padStart(2, "0")).join("");
const streamOf = (b: Uint8Array) => new Blob([b]).stream();

describe("xz streams written by xz 5.4", () => {
  for (const s of streams) {
    it(`decodes ${s.name}`, async () => {
      const out = await decodeXz(unb64(s.xz), { maxOutput: 16 << 20 });
      expect(out.byteLength).toBe(s.size);
      expect(await hex(out)).toBe(s.sha256);
    });
  }

  it("refuses corrupt, truncated and oversized streams with an XzError", async () => {
    const good = unb64(streams.find((s) => s.name === "text xz -6")!.xz);
    await expect(decodeXz(good.subarray(0, good.byteLength >> 1), { maxOutput: 16 << 20 })).rejects.toThrow(XzError);
    const flipped = good.slice();
    flipped[200] = (flipped[200] ?? 0) ^ 0x55;
    await expect(decodeXz(flipped, { maxOutput: 16 << 20 })).rejects.toThrow(XzError);
    await expect(decodeXz(good, { maxOutput: 1000 })).rejects.toThrow(/too large/);
    await expect(decodeXz(enc.encode("not xz at all, really"), { maxOutput: 1000 })).rejects.toThrow(/not xz/);
    const data = enc.encode("x".repeat(1000));
    expect(await decodeXz(xzStored(data), { maxOutput: 4096 })).toEqual(data);
    await expect(decodeXz(xzStored(data, { corruptCheck: true }), { maxOutput: 4096 })).rejects.toThrow(/integrity check/);
  });

  it("checks a block's CRC64 and SHA-256", async () => {
    for (const name of ["text xz -6", "text xz --check=sha256"]) {
      const good = unb64(streams.find((s) => s.name === name)!.xz);
      // The check sits just before the index (12-byte footer, index of one record = 12 bytes here).
      const bad = good.slice();
      const at = bad.byteLength - 12 - 12 - 1;
      bad[at] = (bad[at] ?? 0) ^ 1;
      await expect(decodeXz(bad, { maxOutput: 16 << 20 }), name).rejects.toThrow(/integrity check/);
    }
  });
});

describe("control members of .debs built by dpkg-deb", () => {
  for (const [member, b64] of Object.entries(debs)) {
    it(`reads ./control from ${member}`, async () => {
      expect(await readDebControl(streamOf(unb64(b64)))).toBe(control);
    });
  }

  it("decodes a control.tar.xz only until ./control is whole (a corrupt tail past it is never read)", async () => {
    const big = new Uint8Array(300_000).map((_, i) => (i * 31 + (i >> 8)) & 0xff);
    const controlTar = tar([{ name: "./", type: "5" }, { name: "./control", data: control }, { name: "./postinst", data: big }]);
    const deb = (xz: Uint8Array) => ar([{ name: "debian-binary", data: enc.encode("2.0\n") }, { name: "control.tar.xz", data: xz }, { name: "data.tar.xz", data: enc.encode("x") }]);
    expect(await readDebControl(streamOf(deb(xzStored(controlTar, { corruptCheck: true }))))).toBe(control);
    // The same tail cut off before ./control is complete is refused.
    await expect(readDebControl(streamOf(deb(xzStored(controlTar).subarray(0, 600))))).rejects.toThrow(/control.tar.xz/);
  });
});
