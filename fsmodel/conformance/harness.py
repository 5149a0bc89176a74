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
from typing import Callable

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
              scenarios: list[Scenario], fslist: str, mode: str,
              extra: Callable[[Path], None] | None = None) -> None:
    """The guest's root: busybox, dmsetup, the modules, the probe, the scenarios, the list of
    file systems to mount (init.sh's /fs.list), which run this is (/mode), and what
    ``extra`` adds (PostgreSQL: pg_guest.add_to_initramfs)."""
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
    (root / "fs.list").write_text(fslist)
    (root / "mode").write_text(mode + "\n")
    if extra:
        extra(root)
    files = _run_bytes(["find", "."], cwd=root)
    archive = _run_bytes(["cpio", "-o", "-H", "newc", "--quiet"], cwd=root, input=files)
    out.write_bytes(gzip.compress(archive, 1))


def build_probe(cache: Path) -> Path:
    out = cache / "probe"
    src = GUEST / "probe.c"
    if not out.exists() or out.stat().st_mtime < src.stat().st_mtime:
        _run(["gcc", "-static", "-O2", "-Wall", "-o", str(out), str(src)])
    return out


def _drive(i: int) -> str:
    return f"/dev/vd{chr(97 + i)}"


def images(cache: Path, filesystems: list[str]) -> tuple[list[Path], str]:
    """Fresh sparse images, one per file system (made anew for every boot), and their fs.list:
    each file system runs every scenario."""
    out, lines = [], []
    for i, fs in enumerate(filesystems):
        img = cache / f"{fs}.img"
        _mkfs(fs, img)
        out.append(img)
        kind, _, opts = FILESYSTEMS[fs]
        lines.append(f"{_drive(i)} {kind} {fs} {opts} 0 {IMAGE_MB << 11} *\n")
    return out, "".join(lines)


def _mkfs(fs: str, img: Path) -> None:
    img.unlink(missing_ok=True)
    with open(img, "wb") as f:
        f.truncate(IMAGE_MB << 20)
    _run(FILESYSTEMS[fs][1] + [str(img)])


# Mount options of the power-loss runs: the journal's commit timer beyond the run (ext4,
# Btrfs; XFS's log timer is set through /proc by init.sh), so that what survives is what the
# steps synced.
QUIET = {"ext4": "commit=600", "ext4-journal": "data=journal,commit=600",
         "btrfs": "commit=600", "xfs": "defaults"}


def sliced_images(cache: Path, filesystems: list[str],
                  scenarios: list[Scenario]) -> tuple[list[Path], str]:
    """For the power-loss scenarios: one image per file system holding one file system per
    scenario, side by side (each made by the host's mkfs, then copied into its slice), and
    their fs.list."""
    out, lines = [], []
    slice_ = cache / "slice.img"
    for i, fs in enumerate(filesystems):
        img = cache / f"{fs}-powerloss.img"
        img.unlink(missing_ok=True)
        with open(img, "wb") as f:
            f.truncate(len(scenarios) * IMAGE_MB << 20)
            for j, sc in enumerate(scenarios):
                _mkfs(fs, slice_)
                _copy_data(slice_, f, j * IMAGE_MB << 20)
                lines.append(f"{_drive(i)} {FILESYSTEMS[fs][0]} {fs} {QUIET[fs]} "
                             f"{j * IMAGE_MB << 11} {IMAGE_MB << 11} {sc.id}\n")
        out.append(img)
    slice_.unlink(missing_ok=True)
    return out, "".join(lines)


def _copy_data(src: Path, dst, at: int) -> None:
    """Copy the data extents of a sparse file into ``dst`` at offset ``at``."""
    with open(src, "rb") as f:
        end, pos = os.fstat(f.fileno()).st_size, 0
        while pos < end:
            try:
                pos = os.lseek(f.fileno(), pos, os.SEEK_DATA)
            except OSError:       # no data after pos
                return
            hole = os.lseek(f.fileno(), pos, os.SEEK_HOLE)
            f.seek(pos)
            dst.seek(at + pos)
            dst.write(f.read(hole - pos))
            pos = hole


def boot(series: str, cache: Path, filesystems: list[str],
         scenarios: list[Scenario] = SCENARIOS, timeout: int = 600,
         extra: Callable[[Path], None] | None = None) -> Boot:
    """Boot one kernel series and run every scenario on every file system: those without a
    power loss in one boot, those with one in two more (killed, then booted again on the same
    images)."""
    cache.mkdir(parents=True, exist_ok=True)
    plain = [s for s in scenarios if not s.power_loss]
    lossy = [s for s in scenarios if s.power_loss]
    runs = []
    if plain:
        imgs, fslist = images(cache, filesystems)
        runs.append(_boot(series, cache, plain, imgs, fslist, "all", timeout, extra))
    if lossy:
        imgs, fslist = sliced_images(cache, filesystems, lossy)
        for mode in ("before", "after"):
            runs.append(_boot(series, cache, lossy, imgs, fslist, mode, timeout, extra))
    return Boot(runs[0].kernel, [x for r in runs for x in r.lines],
                sum(r.seconds for r in runs))


def _boot(series: str, cache: Path, scenarios: list[Scenario], imgs: list[Path], fslist: str,
          mode: str, timeout: int, extra: Callable[[Path], None] | None) -> Boot:
    vmlinuz, moddir, release = kernel(series, cache)
    initrd = cache / f"initrd-{release}-{mode}.gz"
    initramfs(moddir, release, moddir.parents[2], build_probe(cache), initrd, scenarios,
              fslist, mode, extra)
    drives = []
    for img in imgs:
        drives += ["-drive", f"file={img},if=virtio,format=raw,cache=unsafe"]
    accel = ["-accel", "tcg", "-cpu", "max"]
    # the power-loss runs mount a file system per scenario: with 512 MB, memory pressure
    # wrote pages back and forced XFS's log in the middle of the scenarios
    memory = "512" if mode == "all" and not extra else "2048"
    start = time.monotonic()
    p = subprocess.run(["qemu-system-x86_64", *accel, "-m", memory, "-nographic", "-no-reboot",
                        "-kernel", str(vmlinuz), "-initrd", str(initrd), *drives,
                        "-append", "console=ttyS0 quiet panic=-1 loglevel=3"],
                       capture_output=True, text=True, timeout=timeout)
    lines = [x.strip() for x in p.stdout.splitlines()]
    got = [x for x in lines if x[:2] in ("R ", "F ", "X ", "K ", "P ", "L ") or x == "E"]
    if "E" not in got:
        tail = "\n".join(lines[-15:])
        raise HarnessError(f"the {release} guest did not finish ({mode}):\n{tail}")
    return Boot(release, got, time.monotonic() - start)
