"""The benchmark's markdown table and per-pass profile, from its result dict."""

from __future__ import annotations

from typing import Any

from ...core.registry import STORY_ORDER
from .timing import GROUPS

COLS = [*STORY_ORDER, *GROUPS, "story", "globe", "frame"]


def markdown(result: dict[str, Any]) -> str:
    lines = [
        f"renderer: {result['renderer']} ({result['version']})",
        f"story: {result['story']}",
        "",
    ]
    if result.get("rows"):
        spf = result.get("steps_per_frame", 1)
        lines.append(
            "ms (median of batches, glFinish around each batch); story = one sim step of "
            f"every stage; globe = one globe render at {result['render']}, finished; frame = "
            f"{spf} story step{'s' if spf != 1 else ''} + the globe render, finished (a "
            "displayed frame; fps = 1000 / frame); story CPU ms: CPU time of all the "
            "process's threads per story step (llvmpipe: robust to other programs on the "
            "machine)."
        )
        lines.append("")
        cols = [c for c in COLS if any(c in r["ms"] for r in result["rows"])]
        lines.append(
            "| grid | "
            + " | ".join(cols)
            + " | story steps/s | story Mcells/s | story CPU ms | fps |"
        )
        lines.append("| --- |" + " ---: |" * (len(cols) + 4))
        for r in result["rows"]:
            ms = r["ms"]
            cells = " | ".join(f"{ms[c]:.2f}" if c in ms else "-" for c in cols)
            story = ms["story"]
            cpu = r.get("cpu_ms", {}).get("story", float("nan"))
            lines.append(
                f"| {r['grid']} | {cells} | {1e3 / story:.1f} | {r['cells'] / story / 1e3:.1f} "
                f"| {cpu:.1f} | {1e3 / ms['frame']:.1f} |"
            )
        if any(r.get("numpy_ms") for r in result["rows"]):
            lines += [
                "",
                "GLSL vs numpy (planetsim.reference), ms per step, same schedules:",
                "",
                "| grid | group | GLSL ms | numpy ms | speed-up | GLSL Mcells/s | numpy Mcells/s |",
                "| --- | --- | ---: | ---: | ---: | ---: | ---: |",
            ]
            for r in result["rows"]:
                npm = r.get("numpy_ms")
                if not npm:
                    continue
                for grp in (*GROUPS, "story"):
                    if grp not in r["ms"]:
                        continue
                    gl, nm = r["ms"][grp], npm[grp]
                    lines.append(
                        f"| {r['grid']} | {grp} | {gl:.2f} | {nm:.1f} | {nm / gl:.1f}x "
                        f"| {r['cells'] / gl / 1e3:.1f} | {r['cells'] / nm / 1e3:.2f} |"
                    )
    for p in result.get("profiles", []):
        lines += [
            "",
            f"Per-pass profile at {p['grid']} ({p['steps']} story steps, glFinish around "
            f"each pass; median ms/run x runs/step): passes {p['passes_ms_per_step']:.1f} ms "
            "per step; whole step "
            f"{p['step_ms_with_sync']:.1f} ms with those syncs and the hooks.",
            "",
            "| pass | stage | runs/step | ms/run | ms/step | CPU ms/run |",
            "| --- | --- | ---: | ---: | ---: | ---: |",
        ]
        for r in p["passes"]:
            lines.append(
                f"| {r['pass']} | {r['stage']} | {r['runs_per_step']:.2f} "
                f"| {r['ms_per_run']:.2f} | {r['ms_per_step']:.2f} | {r['cpu_ms_per_run']:.2f} |"
            )
    return "\n".join(lines) + "\n"
