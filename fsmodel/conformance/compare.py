"""Observed against predicted: one row per scenario step, per kernel and file system."""
from __future__ import annotations

from dataclasses import dataclass

from .predict import predict
from .scenarios import SCENARIOS, SETUP, Scenario

POLICY = "linux-5.8"   # both booted series (6.1, 6.12) have every behaviour 5.8 added
# The --fs variant a file system is compared with, where it differs by kernel series.
VARIANT = {("6.12", "btrfs"): "btrfs-6.12", ("6.12", "ext4-journal"): "ext4-journal-6.12"}
# Differences of granularity the model does not express, with why: (series or "*", file
# system or "*", scenario, step) -> explanation.  None may be about what data a process reads
# in a way the model would get wrong: those are the model's to follow.
EXPLAINED: dict[tuple[str, str, str, str], str] = {}


def explanation(series: str, fs: str, row: "Row") -> str:
    for key in ((series, fs), ("*", fs), (series, "*"), ("*", "*")):
        why = EXPLAINED.get(key + (row.scenario, row.step))
        if why:
            return why
    return ""


@dataclass
class Row:
    scenario: str
    index: int          # step number in the scenario, setup included
    step: str
    predicted: set[str]
    observed: str | None

    @property
    def agrees(self) -> bool:
        return self.observed in self.predicted


def parse(lines: list[str]) -> dict[tuple[str, str], list[tuple[int, str, str]]]:
    """The probe's R lines by (file system, scenario)."""
    out: dict[tuple[str, str], list[tuple[int, str, str]]] = {}
    for line in lines:
        if line.startswith("R "):
            _, key, i, op, result = line.split(" ", 4)
            fs, _, sid = key.partition(":")
            out.setdefault((fs, sid), []).append((int(i), op, result))
    return out


def compare(lines: list[str], filesystems: list[str], series: str,
            scenarios: list[Scenario] = SCENARIOS) -> dict[str, list[Row]]:
    """Rows per file system; the model runs the scenario under linux-5.8 and the file
    system's --fs variant for this kernel series."""
    got = parse(lines)
    out: dict[str, list[Row]] = {}
    for fs in filesystems:
        rows = []
        for s in scenarios:
            steps = SETUP + s.steps
            observed = {i: r for i, _, r in got.get((fs, s.id), [])}
            model_fs = VARIANT.get((series, fs), fs)
            for i, (step, pred) in enumerate(zip(steps, predict(s, POLICY, model_fs)), 1):
                rows.append(Row(s.id, i, step, pred, observed.get(i)))
        out[fs] = rows
    return out


def table(kernel: str, series: str, results: dict[str, list[Row]]) -> str:
    """The agreement table: every step after the setup, one column per file system."""
    fss = list(results)
    head = f"kernel {kernel}, model policy {POLICY} with --fs " + ", ".join(
        VARIANT.get((series, f), f) for f in fss)
    lines = [head, "", "| scenario | # | step | " + " | ".join(fss) + " |",
             "|---|---|---|" + "---|" * len(fss)]
    n = len(results[fss[0]])
    for k in range(n):
        r0 = results[fss[0]][k]
        if r0.index <= len(SETUP) and all(results[f][k].agrees for f in fss):
            continue
        cells = []
        for f in fss:
            r = results[f][k]
            if r.agrees:
                cells.append(f"{r.observed}")
            else:
                why = explanation(series, f, r)
                cells.append(f"**{r.observed} (model: {'|'.join(sorted(r.predicted))})**"
                             + (f" {why}" if why else ""))
        lines.append(f"| {r0.scenario} | {r0.index} | `{r0.step}` | " + " | ".join(cells) + " |")
    agree = sum(r.agrees for rows in results.values() for r in rows)
    total = sum(len(rows) for rows in results.values())
    lines += ["", f"{agree} of {total} steps agree"]
    return "\n".join(lines) + "\n"


def unexplained(series: str, results: dict[str, list[Row]]) -> list[Row]:
    return [r for fs, rows in results.items() for r in rows
            if not r.agrees and not explanation(series, fs, r)]
