"""Boot Debian's kernels under QEMU and run the scenarios on ext4, XFS and Btrfs.

Everything is built from Debian packages into a cache directory, nothing prebuilt is kept:
the kernel image package is downloaded and unpacked (not installed), the modules the guest
needs are resolved through modules.dep, the initramfs holds busybox-static, dmsetup with its
libraries, the static probe (conformance/probe.c) and the scenario scripts, and each file
system is a sparse image made with the host's mkfs.  Faults are injected by swapping the
device-mapper table under the mounted file system (conformance/dmctl.sh).
"""
from __future__ import annotations

import glob
import gzip
import os
import re
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from ..shipped import folder
from .scenarios import SCENARIOS, Scenario

GUEST = folder("conformance", "guest")
PACKAGES = ("qemu-system-x86", "busybox-static", "e2fsprogs", "xfsprogs", "btrfs-progs",
            "dmsetup", "kmod", "cpio", "gcc", "libc6-dev")
# kernel series -> package name pattern (bookworm: 6.1; bookworm-security/backports: 6.12)
SERIES = {"6.1": r"^linux-image-6\.1\.0-[0-9]+-amd64-unsigned$",
          "6.12": r"^linux-image-6\.12\.[0-9]+\+deb12-amd64-unsigned$"}
# name -> (type, mkfs command, mount options); the names are the model's --fs variants
FILESYSTEMS = {"ext4": ("ext4", ["mkfs.ext4", "-q", "-F", "-b", "4096"], "defaults"),
               "ext4-journal": ("ext4", ["mkfs.ext4", "-q", "-F", "-b", "4096"],
                                "data=journal"),
               "xfs": ("xfs", ["mkfs.xfs", "-q", "-f"], "defaults"),
               "btrfs": ("btrfs", ["mkfs.btrfs", "-q", "-f"], "defaults")}
IMAGE_MB = 320          # XFS needs at least 300 MB
# with the crypto algorithms the file systems load by name (modules.softdep)
MODULES = ("virtio_pci", "virtio_blk", "dm-mod", "crc32c_generic", "xxhash_generic",
           "blake2b_generic", "sha256_generic", "ext4", "xfs", "btrfs")


class HarnessError(Exception):
    """Something the harness needs is missing or failed (one line)."""


@dataclass
class Boot:
    kernel: str                 # uname -r
    lines: list[str]            # the R/F/X lines of the serial console
    seconds: float


def _run(cmd: list[str], **kw) -> str:
    return _run_bytes(cmd, **kw).decode()


def _run_bytes(cmd: list[str], **kw) -> bytes:
    """A tool's output; a missing tool or a failure is a HarnessError (one line)."""
    try:
        return subprocess.run(cmd, check=True, capture_output=True, **kw).stdout
    except FileNotFoundError:
        raise HarnessError(f"{cmd[0]} is not installed") from None
    except subprocess.CalledProcessError as e:
        err = e.stderr.decode(errors="replace").strip()[-300:]
        raise HarnessError(f"{' '.join(cmd[:3])} failed: {err}") from None


def install_packages() -> None:
    """Debian's packages the harness uses, installed only where a tool is missing."""
    tools = ("qemu-system-x86_64", "mkfs.ext4", "mkfs.xfs", "mkfs.btrfs", "dmsetup",
             "depmod", "cpio", "gcc")
    if all(shutil.which(t) for t in tools) and Path("/bin/busybox").exists():
        return
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    env = os.environ | {"DEBIAN_FRONTEND": "noninteractive"}
    _run(sudo + ["apt-get", "update", "-qq"], env=env)
    _run(sudo + ["apt-get", "install", "-y", "-qq", *PACKAGES], env=env)


def kernel(series: str, cache: Path) -> tuple[Path, Path, str]:
    """Download and unpack the newest kernel image of a series: (vmlinuz, modules, release)."""
    pkgs = _packages(series)
    if not pkgs:   # no package lists yet on this machine
        sudo = [] if os.geteuid() == 0 else ["sudo"]
        _run(sudo + ["apt-get", "update", "-qq"])
        pkgs = _packages(series)
    if not pkgs:
        raise HarnessError(f"no Debian kernel package for series {series}")
    where = cache / pkgs[-1]
    if not where.exists():
        debs = cache / "debs"
        debs.mkdir(parents=True, exist_ok=True)
        _run(["apt-get", "download", pkgs[-1]], cwd=debs)
        _run(["dpkg-deb", "-x", glob.glob(str(debs / f"{pkgs[-1]}_*.deb"))[0], str(where)])
    release = next((where / "lib" / "modules").iterdir()).name
    vmlinuz = where / "boot" / f"vmlinuz-{release}"
    return vmlinuz, where / "lib" / "modules" / release, release


def _packages(series: str) -> list[str]:
    names = _run(["apt-cache", "search", "--names-only", SERIES[series]]).split("\n")
    return sorted((n.split(" - ")[0] for n in names if n.strip()),
                  key=lambda n: [int(x) for x in re.findall(r"\d+", n)])


def _modules(moddir: Path, release: str, base: Path) -> list[Path]:
    """MODULES and their dependencies, dependencies first (modules.dep from depmod)."""
    _run(["depmod", "-b", str(base), release])
    deps: dict[str, list[str]] = {}
    for line in (moddir / "modules.dep").read_text().splitlines():
        mod, _, rest = line.partition(":")
        deps[mod] = rest.split()
    by_name = {re.sub(r"\.ko(\.xz|\.zst)?$", "", Path(m).name).replace("_", "-"): m
               for m in deps}
    order: list[str] = []

    def visit(m: str) -> None:
        for d in deps[m]:
            visit(d)
        if m not in order:
            order.append(m)
    for name in MODULES:
        key = name.replace("_", "-")
        if key in by_name:    # built in otherwise (virtio_pci on 6.12)
            visit(by_name[key])
    return [moddir / m for m in order]


def initramfs(moddir: Path, release: str, base: Path, probe: Path, out: Path,
              scenarios: list[Scenario], filesystems: list[str]) -> None:
    root = out.with_suffix(".d")
    shutil.rmtree(root, ignore_errors=True)
    for d in ("bin", "lib", "lib/modules", "dev", "proc", "sys", "mnt", "scenarios"):
        (root / d).mkdir(parents=True, exist_ok=True)
    shutil.copy("/bin/busybox", root / "bin" / "busybox")
    dmsetup = shutil.which("dmsetup")
    shutil.copy(dmsetup, root / "bin" / "dmsetup")
    for lib in re.findall(r"=> (\S+)", _run(["ldd", dmsetup])):
        shutil.copy(lib, root / "lib" / Path(lib).name)
    (root / "lib64").mkdir(exist_ok=True)
    shutil.copy("/lib64/ld-linux-x86-64.so.2", root / "lib64")
    order = []
    for m in _modules(moddir, release, base):
        name = re.sub(r"\.(xz|zst)$", "", m.name)
        data = m.read_bytes()
        if m.suffix == ".xz":
            data = _run_bytes(["xz", "-dc", str(m)])
        elif m.suffix == ".zst":
            data = _run_bytes(["zstd", "-dc", str(m)])
        (root / "lib" / "modules" / name).write_bytes(data)
        order.append(name)
    (root / "modules.order").write_text("\n".join(order) + "\n")
    shutil.copy(probe, root / "probe")
    shutil.copy(GUEST / "dmctl.sh", root / "dmctl")
    shutil.copy(GUEST / "init.sh", root / "init")
    for s in scenarios:
        (root / "scenarios" / s.id).write_text(s.script())
    (root / "fs.list").write_text("".join(
        f"/dev/vd{chr(97 + i)} {FILESYSTEMS[fs][0]} {fs} {FILESYSTEMS[fs][2]}\n"
        for i, fs in enumerate(filesystems)))
    files = _run_bytes(["find", "."], cwd=root)
    archive = _run_bytes(["cpio", "-o", "-H", "newc", "--quiet"], cwd=root, input=files)
    out.write_bytes(gzip.compress(archive, 1))


def build_probe(cache: Path) -> Path:
    out = cache / "probe"
    src = GUEST / "probe.c"
    if not out.exists() or out.stat().st_mtime < src.stat().st_mtime:
        _run(["gcc", "-static", "-O2", "-Wall", "-o", str(out), str(src)])
    return out


def images(cache: Path, filesystems: list[str]) -> list[Path]:
    """Fresh sparse images, one per file system (made anew for every boot)."""
    out = []
    for fs in filesystems:
        img = cache / f"{fs}.img"
        img.unlink(missing_ok=True)
        with open(img, "wb") as f:
            f.truncate(IMAGE_MB << 20)
        _run(FILESYSTEMS[fs][1] + [str(img)])
        out.append(img)
    return out


def boot(series: str, cache: Path, filesystems: list[str],
         scenarios: list[Scenario] = SCENARIOS, timeout: int = 600) -> Boot:
    """Boot one kernel series and run every scenario on every file system."""
    cache.mkdir(parents=True, exist_ok=True)
    vmlinuz, moddir, release = kernel(series, cache)
    initrd = cache / f"initrd-{release}.gz"
    initramfs(moddir, release, moddir.parents[2], build_probe(cache), initrd, scenarios,
              filesystems)
    drives = []
    for img in images(cache, filesystems):
        drives += ["-drive", f"file={img},if=virtio,format=raw,cache=unsafe"]
    accel = ["-accel", "tcg", "-cpu", "max"]
    start = time.monotonic()
    p = subprocess.run(["qemu-system-x86_64", *accel, "-m", "512", "-nographic", "-no-reboot",
                        "-kernel", str(vmlinuz), "-initrd", str(initrd), *drives,
                        "-append", "console=ttyS0 quiet panic=-1 loglevel=3"],
                       capture_output=True, text=True, timeout=timeout)
    lines = [x.strip() for x in p.stdout.splitlines()]
    got = [x for x in lines if x[:2] in ("R ", "F ", "X ", "K ") or x == "E"]
    if "E" not in got:
        tail = "\n".join(lines[-15:])
        raise HarnessError(f"the {release} guest did not finish:\n{tail}")
    return Boot(release, got, time.monotonic() - start)
