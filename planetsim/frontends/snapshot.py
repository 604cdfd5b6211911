"""Snapshots: the planet at one moment, as files other tools read (Blender, Gaea, GIS):

    DIR/map_<layer>.png     every layer's equirectangular map (RGB, north up)
    DIR/heightmap.png       elevation as 16-bit grayscale, north up, x=0 at longitude -180
    DIR/heightmap.json      how to turn levels back into metres, sea level, provenance
    DIR/elevation.tif       elevation in metres as a float32 GeoTIFF, EPSG:4326, north up (GIS)
    DIR/mask.png            land 255 / ocean 0, 8-bit grayscale, north up (land = above sea level)
    DIR/fields.npz          every field as float32 (H, W, 4), row 0 = the south edge
    DIR/snapshot.json       provenance, clock, the field channels and units

elevation_m = elevation_at_level_0 + level * metres_per_level (error <= half a level).
"""

from __future__ import annotations

import io
import json
import zipfile
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .._version import __version__
from ..analysis.land import land_mask
from ..core.outfiles import (
    atomic_path,
    check_output,
    provenance,
    provenance_line,
    write_bytes,
    write_text,
)
from .files import layers, save_png

if TYPE_CHECKING:
    from ..core.simulation import Simulation

LEVELS = 65535
# zlib level of fields.npz: at 1 the fields deflate ~2x faster than at the default 6, for
# ~7 % more bytes (world preset, 512x256). The PNGs are written fast too (files.save_png).
NPZ_LEVEL = 1
MAPS_QUEUED = 2  # layer maps rendered but not yet written


def encode_heightmap(elev: np.ndarray) -> tuple[np.ndarray, float, float]:
    """(levels uint16, metres_per_level, elevation_at_level_0) of an elevation array."""
    e = elev.astype(np.float64)
    lo, hi = float(e.min()), float(e.max())
    mpl = (hi - lo) / LEVELS if hi > lo else 1.0
    levels = np.clip(np.rint((e - lo) / mpl), 0, LEVELS).astype(np.uint16)
    return levels, mpl, lo


def decode_heightmap(levels: np.ndarray, sidecar: dict[str, Any]) -> np.ndarray:
    """Elevation in metres from the PNG's levels and its sidecar (same orientation)."""
    return sidecar["elevation_at_level_0"] + levels.astype(np.float64) * sidecar["metres_per_level"]


# GeoTIFF tag codes and GeoKeys (GeoTIFF 1.1, OGC 19-008r4) and the TIFF field types used.
_MODEL_PIXEL_SCALE, _MODEL_TIEPOINT, _GEO_KEY_DIRECTORY, _GDAL_METADATA = 33550, 33922, 34735, 42112
_SHORT, _ASCII, _DOUBLE = 3, 2, 12
_GEOKEYS = (  # (key, location 0 = the value itself, count, value), ascending key order
    (1024, 0, 1, 2),  # GTModelTypeGeoKey: geographic (latitude/longitude)
    (1025, 0, 1, 1),  # GTRasterTypeGeoKey: PixelIsArea (a pixel is a cell, not a point)
    (2048, 0, 1, 4326),  # GeographicTypeGeoKey: WGS 84
    (2054, 0, 1, 9102),  # GeogAngularUnitsGeoKey: degree
)


def geotiff_bytes(elev_north_up: np.ndarray, sea_level_m: float, description: str) -> bytes:
    """A float32 GeoTIFF of an (H, W) north-up elevation grid covering the whole globe in
    EPSG:4326: pixel (0, 0)'s outer corner at longitude -180, latitude +90."""
    import tifffile

    h, w = elev_north_up.shape
    keys = [1, 1, 0, len(_GEOKEYS)]  # directory version 1, revision 1.0, key count
    for k in _GEOKEYS:
        keys.extend(k)
    # GDAL reads the band's unit from role="unittype"; sea level rides along for GIS users.
    gdal_meta = (
        "<GDALMetadata>"
        '<Item name="UNITTYPE" sample="0" role="unittype">metre</Item>'
        f'<Item name="SEA_LEVEL_M">{sea_level_m!r}</Item>'
        "</GDALMetadata>"
    )
    tags = [
        (_MODEL_PIXEL_SCALE, _DOUBLE, 3, (360.0 / w, 180.0 / h, 0.0), True),
        (_MODEL_TIEPOINT, _DOUBLE, 6, (0.0, 0.0, 0.0, -180.0, 90.0, 0.0), True),
        (_GEO_KEY_DIRECTORY, _SHORT, len(keys), tuple(keys), True),
        (_GDAL_METADATA, _ASCII, 0, gdal_meta, True),
    ]
    buf = io.BytesIO()
    tifffile.imwrite(
        buf,
        np.ascontiguousarray(elev_north_up, dtype=np.float32),
        photometric="minisblack",
        description=description,
        software=f"planetsim {__version__}",
        metadata=None,  # no tifffile JSON in ImageDescription: the provenance line goes there
        extratags=tags,
    )
    return buf.getvalue()


def save_npz(path: Path, arrays: dict[str, np.ndarray], level: int) -> None:
    """What np.savez_compressed writes (np.load reads it: one NAME.npy per array), atomically,
    deflated at zlib `level`: numpy's own always deflates at the default level 6."""
    with (
        atomic_path(path) as tmp,
        zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as zf,
    ):
        for name, a in arrays.items():
            # zip64 as numpy's: an entry may pass 4 GiB at large grids.
            with zf.open(f"{name}.npy", "w", force_zip64=True) as fh:
                np.lib.format.write_array(fh, np.asanyarray(a), allow_pickle=False)


def save_snapshot(
    sim: Simulation,
    folder: str | Path,
    *,
    width: int | None = None,
    force: bool = False,
) -> list[Path]:
    """Write the snapshot files of `sim` now into `folder` (created); returns their paths.
    Layer maps are `width` x width/2 pixels (default: 1024, or the grid's width if larger)."""
    from ..core.fields import FIELDS
    from ..render import render_frame

    folder = Path(folder)
    check_output(folder, force, folder=True)
    folder.mkdir(exist_ok=True)
    if width is None:
        width = max(1024, sim.grid.size[0])
    size = (int(width), max(1, int(width) // 2))
    prov = provenance(sim)
    meta = {**prov, "comment": provenance_line(sim)}
    sea = float(sim.values.get("sea_level", 0.0))
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="snapshot") as pool:
        # zlib and Pillow's encoder release the GIL: the fields deflate and the maps encode
        # on the workers while this thread drives the GPU (the context is this thread's).
        fields = {name: f.read() for name, f in sim.fields.items()}
        npz = pool.submit(save_npz, folder / "fields.npz", fields, NPZ_LEVEL)
        maps: list[Path] = []
        encoding: deque[Future[None]] = deque()
        for layer in layers():
            img = render_frame(sim, "map", layer, size, None, False)  # plain: data, not a poster
            p = folder / f"map_{layer}.png"
            if len(encoding) >= MAPS_QUEUED:  # big maps: keep only a few in memory at once
                encoding.popleft().result()
            m = {**meta, "layer": layer}
            encoding.append(pool.submit(save_png, p, img, m, fast=True))
            maps.append(p)
        others = _save_elevation(sim, folder, fields["terrain"][..., 0], sea, prov, meta)
        for job in encoding:
            job.result()
        npz.result()
    written = [*maps, *others, folder / "fields.npz"]
    info = {
        **prov,
        "sea_level_m": sea,
        "fields": {
            name: {"channels": dict(zip("xyzw", FIELDS[name].channels, strict=True))}
            for name in fields
            if name in FIELDS
        },
        "fields_layout": "float32 (H, W, 4), row 0 = south edge, x = 0 at longitude -180",
        "files": [q.name for q in written],
    }
    p = folder / "snapshot.json"
    write_text(p, json.dumps(info, indent=2) + "\n")
    written.append(p)
    return written


def _save_elevation(
    sim: Simulation,
    folder: Path,
    elev: np.ndarray,
    sea: float,
    prov: dict[str, Any],
    meta: dict[str, Any],
) -> list[Path]:
    """heightmap.png, heightmap.json, elevation.tif and mask.png of the elevation `elev`
    (row 0 south); returns their paths."""
    gw, gh = sim.grid.size
    written: list[Path] = []
    levels, mpl, lo = encode_heightmap(elev[::-1])  # images are north up
    sidecar = {
        **prov,
        "image": "heightmap.png",
        "format": "16-bit grayscale PNG, equirectangular",
        "rows": "north first (row 0 at latitude +90)",
        "columns": "longitude -180 first",
        "width": gw,
        "height": gh,
        "metres_per_level": mpl,
        "elevation_at_level_0": lo,
        "elevation_min_m": float(elev.min()),
        "elevation_max_m": float(elev.max()),
        "sea_level_m": sea,
        "sea_level_level": (sea - lo) / mpl,
        "radius_m": sim.grid.radius,
        "decode": "elevation_m = elevation_at_level_0 + level * metres_per_level",
    }
    p = folder / "heightmap.png"
    save_png(
        p,
        levels,
        {**meta, "metres_per_level": mpl, "elevation_at_level_0": lo},
        fast=True,
    )
    written.append(p)
    p = folder / "heightmap.json"
    write_text(p, json.dumps(sidecar, indent=2) + "\n")
    written.append(p)

    p = folder / "elevation.tif"
    write_bytes(p, geotiff_bytes(elev[::-1], sea, provenance_line(sim)))
    written.append(p)
    # The rule planetsim stats uses, so the mask and its land fraction agree with it.
    mask = np.where(land_mask(elev[::-1], sea), 255, 0).astype(np.uint8)
    p = folder / "mask.png"
    save_png(p, mask, {**meta, "land": 255, "ocean": 0, "sea_level_m": sea}, fast=True)
    written.append(p)

    return written


__all__ = ["decode_heightmap", "encode_heightmap", "geotiff_bytes", "save_snapshot"]
