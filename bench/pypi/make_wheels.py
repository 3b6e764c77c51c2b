"""Writes the benchmark's wheels offline (no build backend needed): a 30-package dependency tree
(bench-root -> 5 mid packages -> 24 leaves) and, with --big N, one wheel carrying N MiB of data.

    python3 bench/pypi/make_wheels.py OUT_DIR [--big MiB]
"""
import base64
import hashlib
import os
import sys
import zipfile


def record_line(path, data):
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{path},sha256={digest},{len(data)}"


def write_wheel(out_dir, name, version, requires=(), payload=None):
    module = name.replace("-", "_")
    dist_info = f"{module}-{version}.dist-info"
    path = os.path.join(out_dir, f"{module}-{version}-py3-none-any.whl")
    files = {
        f"{module}/__init__.py": f"NAME = {name!r}\n".encode(),
        f"{dist_info}/METADATA": (
            "Metadata-Version: 2.1\n"
            f"Name: {name}\nVersion: {version}\nSummary: Packyard benchmark package {name}\n"
            "Requires-Python: >=3.8\n" + "".join(f"Requires-Dist: {r}\n" for r in requires)
        ).encode(),
        f"{dist_info}/WHEEL": b"Wheel-Version: 1.0\nGenerator: packyard-bench\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
    }
    records = []
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as wheel:
        for arcname, data in files.items():
            wheel.writestr(arcname, data)
            records.append(record_line(arcname, data))
        if payload:
            # A large stored member, written in blocks so this script stays small in memory too.
            block = os.urandom(1024 * 1024)
            digest = hashlib.sha256()
            info = zipfile.ZipInfo(f"{module}/data.bin")
            info.compress_type = zipfile.ZIP_STORED
            with wheel.open(info, "w", force_zip64=True) as member:
                for i in range(payload):
                    chunk = block[i % 997:] + block[: i % 997]
                    member.write(chunk)
                    digest.update(chunk)
            encoded = base64.urlsafe_b64encode(digest.digest()).rstrip(b"=").decode()
            records.append(f"{module}/data.bin,sha256={encoded},{payload * 1024 * 1024}")
        records.append(f"{dist_info}/RECORD,,")
        wheel.writestr(f"{dist_info}/RECORD", "\n".join(records) + "\n")
    return path


def main():
    out_dir = sys.argv[1]
    os.makedirs(out_dir, exist_ok=True)
    if "--big" in sys.argv:
        print(write_wheel(out_dir, "bench-big", "1.0.0", payload=int(sys.argv[sys.argv.index("--big") + 1])))
        return
    leaves = [f"bench-leaf-{i:02d}" for i in range(24)]
    mids = [f"bench-mid-{i}" for i in range(5)]
    for leaf in leaves:
        write_wheel(out_dir, leaf, "1.0.0")
    for i, mid in enumerate(mids):
        write_wheel(out_dir, mid, "1.0.0", [f"{leaf}>=1.0" for leaf in leaves[i::5]])
    write_wheel(out_dir, "bench-root", "1.0.0", [f"{mid}>=1.0" for mid in mids])
    print(out_dir)


if __name__ == "__main__":
    main()
