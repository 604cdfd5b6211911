"""Checkpoints: one file that holds the preset text, seed, grid size, clock, stage bookkeeping,
uniform values and every field, so a run continues bit for bit (same driver).

Format: an uncompressed numpy .npz (a zip) with `meta` (UTF-8 JSON as uint8) and one float32
(H, W, 4) array `field.<name>` per field (row 0 south). meta holds a SHA-256 of each field so
a damaged file is refused; a truncated one fails to open as a zip and is refused too. Written
atomically. Only the front texture of each field is kept: the back is scratch space that
every pass overwrites in full before reading it. Scratch fields are kept too: a pass that
runs only when the land changes may have filled one long before.

    save_checkpoint(sim, "run/frame_000120.ckpt")
    sim = load_checkpoint("run/frame_000120.ckpt")      # a new Simulation at frame 120
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from pathlib import Path
from typing import Any

import moderngl
import numpy as np

from .errors import PlanetsimError
from .outfiles import atomic_path, check_output, provenance
from .presets import parse
from .simulation import Simulation

FORMAT = "planetsim-checkpoint"
FORMAT_VERSION = 3  # 2: the plates rewrite (issue 15); 3: lakes and the tour (issue 16)
SUFFIX = ".ckpt"


class CheckpointError(PlanetsimError):
    """A checkpoint that cannot be read: missing, truncated, damaged or of another format."""


def _digest(a: np.ndarray) -> str:
    return hashlib.sha256(np.ascontiguousarray(a).tobytes()).hexdigest()


def save_checkpoint(
    sim: Simulation, path: str | Path, *, force: bool = False, extra: dict[str, Any] | None = None
) -> Path:
    """Write `sim`'s whole state to `path` (atomically). `extra` is stored in the meta as is
    (the CLI keeps the render's settings there so `resume` can continue it)."""
    path = Path(path)
    check_output(path, force)
    state = sim.get_state()
    fields = state.pop("fields")
    # Registered Python-side state: arrays beside the fields, the rest in the JSON.
    extra_arrays: dict[str, np.ndarray] = {}
    extra_json: dict[str, dict[str, Any]] = {}
    for name, d in state.pop("extra", {}).items():
        extra_json[name] = {}
        for k, v in d.items():
            if isinstance(v, np.ndarray):
                extra_arrays[f"extra.{name}.{k}"] = v
            else:
                extra_json[name][k] = v
    state["extra"] = extra_json
    meta = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        **provenance(sim),
        "preset_text": sim.preset.text,
        "preset_path": str(sim.preset.path) if sim.preset.path else None,
        "metric": sim.metric,
        "state": state,
        "fields": {name: {"sha256": _digest(a)} for name, a in fields.items()},
        "extra_arrays": {key: {"sha256": _digest(a)} for key, a in extra_arrays.items()},
        "extra": extra or {},
    }
    arrays = {f"field.{name}": a for name, a in fields.items()}
    arrays.update(extra_arrays)
    arrays["meta"] = np.frombuffer(json.dumps(meta).encode(), np.uint8)
    with atomic_path(path) as tmp:
        with open(tmp, "wb") as fh:
            np.savez(fh, **arrays)
    return path


def read_checkpoint(path: str | Path) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """(meta, fields) of a checkpoint, verified; CheckpointError says what is wrong."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise CheckpointError(f"checkpoint not found: {path}") from None
    except OSError as exc:
        raise CheckpointError(f"cannot read checkpoint {path}: {exc.strerror}") from None
    if not data.startswith(b"PK\x03\x04"):  # every .npz is a zip
        raise CheckpointError(f"{path} is not a planetsim checkpoint (or is cut off at the start)")
    try:
        with np.load(io.BytesIO(data), allow_pickle=False) as npz:
            if "meta" not in npz.files:
                raise CheckpointError(f"{path} is not a planetsim checkpoint (no meta)")
            meta = json.loads(npz["meta"].tobytes().decode())
            fields = {k[6:]: npz[k] for k in npz.files if k.startswith("field.")}
            extra = {k: npz[k] for k in npz.files if k.startswith("extra.")}
    except CheckpointError:
        raise
    except (zipfile.BadZipFile, EOFError, ValueError, OSError, KeyError) as exc:
        raise CheckpointError(
            f"checkpoint {path} is truncated or damaged ({type(exc).__name__}: {exc}); "
            "use an earlier checkpoint"
        ) from None
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise CheckpointError(f"{path} is not a planetsim checkpoint")
    if meta.get("format_version") != FORMAT_VERSION:
        raise CheckpointError(
            f"{path} is checkpoint format {meta.get('format_version')}; this planetsim reads "
            f"format {FORMAT_VERSION}"
        )
    for name, info in meta["fields"].items():
        a = fields.get(name)
        if a is None or a.dtype != np.float32 or _digest(a) != info["sha256"]:
            raise CheckpointError(
                f"checkpoint {path} is damaged: field '{name}' is missing or does not match "
                "its checksum; use an earlier checkpoint"
            )
    for key, info in meta.get("extra_arrays", {}).items():
        a = extra.get(key)
        if a is None or _digest(a) != info["sha256"]:
            raise CheckpointError(
                f"checkpoint {path} is damaged: '{key}' is missing or does not match its "
                "checksum; use an earlier checkpoint"
            )
        _, name, k = key.split(".", 2)
        meta["state"]["extra"].setdefault(name, {})[k] = a
    return meta, fields


def load_checkpoint(
    path: str | Path, ctx: moderngl.Context | None = None, *, backend: str = "egl"
) -> Simulation:
    """A new Simulation in the state the checkpoint holds (on `ctx`, or its own context)."""
    meta, fields = read_checkpoint(path)
    preset_path = Path(meta["preset_path"]) if meta.get("preset_path") else None
    preset = parse(meta["preset_text"], preset_path)
    w, h = meta["size"]
    sim = Simulation(
        preset, size=(w, h), seed=meta["seed"], ctx=ctx, backend=backend, metric=meta["metric"]
    )
    try:
        for name, a in fields.items():
            if name in sim.fields and a.shape != sim.fields[name].shape:
                raise CheckpointError(
                    f"checkpoint {path}: field '{name}' has shape {a.shape}, "
                    f"expected {sim.fields[name].shape}"
                )
        unknown = sorted(set(fields) - set(sim.fields))
        if unknown:
            raise CheckpointError(
                f"checkpoint {path} holds fields this planetsim does not know: "
                f"{', '.join(unknown)} (written by planetsim {meta.get('planetsim_version')})"
            )
        sim.set_state({**meta["state"], "fields": fields})
    except BaseException:
        sim.close()
        raise
    return sim


__all__ = ["CheckpointError", "load_checkpoint", "read_checkpoint", "save_checkpoint"]
