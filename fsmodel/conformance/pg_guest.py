"""PostgreSQL 15 in the conformance guest: Debian's server and client, unpacked (not installed)
into the cache, their libraries, and a cluster made on the host by the same binaries' initdb,
all put into the initramfs beside the probe; conformance/pg.sh runs the server in the guest.

The cluster's settings make the server's writes happen where a trace says, and nowhere else:
16 shared buffers (the minimum: a scan of a larger table evicts a dirty page, so a backend
writes it), no background writer, no automatic checkpoint, no write-back hints
(``*_flush_after`` would start the kernel's write-back early), no autovacuum, no JIT.
"""
from __future__ import annotations

import glob
import hashlib
import os
import re
import shutil
from pathlib import Path

from .harness import GUEST, HarnessError, _run

PACKAGES = ("postgresql-15", "postgresql-client-15")
BIN = "usr/lib/postgresql/15/bin"
SHARE = "usr/share/postgresql/15"
ZONE = Path("/usr/share/zoneinfo/UTC")     # the server's timezone (Debian: system tzdata)
UID = 65534              # the host's "nobody", who runs initdb (it refuses root)

SETTINGS = {
    "listen_addresses": "''", "unix_socket_directories": "'/tmp'",
    "shared_buffers": "128kB", "max_connections": "10", "dynamic_shared_memory_type": "sysv",
    "jit": "off", "autovacuum": "off", "bgwriter_lru_maxpages": "0",
    "checkpoint_timeout": "1d", "max_wal_size": "1GB", "checkpoint_flush_after": "0",
    "backend_flush_after": "0", "bgwriter_flush_after": "0", "wal_level": "minimal",
    "max_wal_senders": "0", "log_checkpoints": "on", "timezone": "'UTC'",
    "log_timezone": "'UTC'", "fsync": "on",
}


def unpack(cache: Path) -> Path:
    """Debian's server and client packages unpacked into the cache (the newest candidate);
    the libraries they link, installed from Debian where the host lacks them."""
    debs = cache / "debs"
    debs.mkdir(parents=True, exist_ok=True)
    root = cache / "pg-root"
    if not (root / BIN / "postgres").exists():
        for p in PACKAGES:
            if not glob.glob(str(debs / f"{p}_*.deb")):
                try:
                    _run(["apt-get", "download", p], cwd=debs)
                except HarnessError:        # no package lists on this machine yet
                    _apt(["update", "-qq"])
                    _run(["apt-get", "download", p], cwd=debs)
            _run(["dpkg-deb", "-x", glob.glob(str(debs / f"{p}_*.deb"))[-1], str(root)])
    need = {"tzdata"} if not ZONE.exists() else set()
    if any("not found" in _ldd(root / BIN / b) for b in ("postgres", "psql", "initdb")):
        for p in PACKAGES:
            deb = glob.glob(str(debs / f"{p}_*.deb"))[-1]
            need |= set(re.findall(r"\b(lib[\w.+-]+)", _run(["dpkg-deb", "-f", deb,
                                                                "Depends"])))
    if need:
        _apt(["install", "-y", "-qq", *sorted(need)])
    return root


def _apt(args: list[str]) -> None:
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    _run(sudo + ["apt-get", *args], env=os.environ | {"DEBIAN_FRONTEND": "noninteractive"})


def version(root: Path) -> str:
    """postgres --version: "postgres (PostgreSQL) 15.20 (Debian 15.20-0+deb12u1)"."""
    return _run([str(root / BIN / "postgres"), "--version"]).split()[2]


def cluster(root: Path, cache: Path, settings: dict[str, str] | None = None) -> Path:
    """A fresh cluster made by the unpacked initdb (as nobody, with the guest's settings),
    as a tar file for the guest to unpack onto the file system under test."""
    conf = SETTINGS | (settings or {})
    key = hashlib.sha256(repr((version(root), sorted(conf.items()))).encode()).hexdigest()[:12]
    tar = cache / f"cluster-{key}.tar"
    if tar.exists():
        return tar
    data = cache / f"cluster-{key}"
    shutil.rmtree(data, ignore_errors=True)
    data.mkdir(parents=True)
    os.chown(data, UID, UID)
    drop = ["setpriv", f"--reuid={UID}", f"--regid={UID}", "--clear-groups"] \
        if os.geteuid() == 0 else []
    _run(drop + ["env", "LC_ALL=C", str(root / BIN / "initdb"), "-D", str(data), "-U",
                 "postgres", "-E", "UTF8", "--locale=C", "--no-sync", "-A", "trust"])
    with open(data / "postgresql.conf", "a") as f:
        f.write("\n# fsmodel replay --postgres\n")
        f.writelines(f"{k} = {v}\n" for k, v in conf.items())
    _run(["tar", "-cf", str(tar), "-C", str(data), "."])
    shutil.rmtree(data)
    return tar


def add_to_initramfs(root: Path, tar: Path):
    """What the guest's root needs for the server: a function of the initramfs' folder."""
    def add(into: Path) -> None:
        for b in ("postgres", "psql"):
            _copy(root / BIN / b, into / BIN / b)
            for lib in re.findall(r"=> (/\S+)", _ldd(root / BIN / b)):
                _copy(Path(lib), into / "lib" / Path(lib).name)
        shutil.copytree(root / SHARE, into / SHARE, dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns("man", "contrib"))
        lib = root / "usr/lib/postgresql/15/lib"
        _copy(lib / "pg_prewarm.so", into / lib.relative_to(root) / "pg_prewarm.so")
        _copy(ZONE, into / "usr/share/zoneinfo/UTC")
        (into / "etc").mkdir(exist_ok=True)
        (into / "etc/passwd").write_text(f"root:x:0:0::/:/bin/sh\n"
                                         f"postgres:x:{UID}:{UID}::/tmp:/bin/sh\n")
        (into / "etc/group").write_text(f"root:x:0:\npostgres:x:{UID}:\n")
        (into / "tmp").mkdir(exist_ok=True)
        (into / "pg").mkdir(exist_ok=True)
        shutil.copy(tar, into / "pg/cluster.tar")
        shutil.copy(GUEST / "pg.sh", into / "pg.sh")
    return add


def _copy(src: Path, dst: Path) -> None:
    dst.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(src, dst)


def _ldd(binary: Path) -> str:
    env = os.environ | {"LD_LIBRARY_PATH": str(binary.parents[1] / "lib")}
    return _run(["ldd", str(binary)], env=env)
