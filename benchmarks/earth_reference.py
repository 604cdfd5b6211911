"""Earth's land/sea figures on planetsim's grids, from a real land mask.

Downsamples the GLOBE-based 30-arc-second land mask of the PyPI package global-land-mask to
128x64, 256x128, 512x256 and 1024x512 in planetsim's convention (row 0 south, x = 0 at
-180 deg; lakes count as land in that mask) and prints land fraction, landmass count, the land
shares of the largest and of the four largest landmasses, and the coastline index, measured
with planetsim.analysis.land. Two downsamplings, one table each:

* area: a cell is land when more than half of its area is land (the reference method);
* centre: a cell takes the mask's sample at its centre. Issue 14's figures (coastline index
  25/31/38/47, four largest 96 % at 256x128) match this one: sampling keeps the specks and
  ragged edges that the area rule smooths away, so it scores about 15 % more coastline.

Not a dependency of planetsim: `pip install global-land-mask` to run it. Exits 2 without it.
The figures are those written into planetsim/analysis/earth.toml as "computed by
benchmarks/earth_reference.py from global-land-mask (GLOBE)".

    python benchmarks/earth_reference.py [--sizes 128x64,256x128]
"""

from __future__ import annotations

import argparse
import sys

import numpy as np

from planetsim.analysis.grid import Grid
from planetsim.analysis.land import coastline_index, land_fraction, landmasses

SIZES = ((128, 64), (256, 128), (512, 256), (1024, 512))


def load_mask() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(ocean mask (rows north to south), sample latitudes, sample longitudes), degrees."""
    from global_land_mask import globe  # type: ignore[import-untyped,import-not-found,unused-ignore]

    return globe._mask, np.asarray(globe._lat), np.asarray(globe._lon)


def land_area_fraction(
    ocean: np.ndarray, lat: np.ndarray, lon: np.ndarray, width: int, height: int
) -> np.ndarray:
    """(height, width) area fraction of land per planetsim cell, row 0 south. Each mask sample
    goes to the cell its coordinates fall in and weighs cos(latitude), its area on the sphere."""
    y = np.clip(np.floor((lat + 90.0) / 180.0 * height).astype(int), 0, height - 1)
    x = np.clip(np.floor((lon + 180.0) / 360.0 * width).astype(int), 0, width - 1)
    col_start = np.searchsorted(x, np.arange(width))  # x is non-decreasing along the row
    cols_per_cell = np.diff(np.append(col_start, lon.size))
    weight = np.cos(np.radians(lat))
    land_w = np.zeros((height, width))
    all_w = np.zeros((height, width))
    chunk = 1200
    for r0 in range(0, ocean.shape[0], chunk):
        rows = slice(r0, min(r0 + chunk, ocean.shape[0]))
        land = np.logical_not(ocean[rows]).view(np.uint8)
        counts = np.add.reduceat(land, col_start, axis=1, dtype=np.int64)
        np.add.at(land_w, y[rows], counts * weight[rows, None])
        np.add.at(all_w, y[rows], cols_per_cell[None, :] * weight[rows, None])
    return land_w / all_w


def centre_sample(
    ocean: np.ndarray, lat: np.ndarray, lon: np.ndarray, width: int, height: int
) -> np.ndarray:
    """(height, width) land mask from the mask sample nearest each cell centre, row 0 south."""
    g = Grid(width, height)
    rows = np.clip(np.rint((lat[0] - g.lat) / (lat[0] - lat[1])).astype(int), 0, lat.size - 1)
    cols = np.clip(np.rint((g.lon - lon[0]) / (lon[1] - lon[0])).astype(int), 0, lon.size - 1)
    return np.logical_not(ocean[np.ix_(rows, cols)])


def table(title: str, masks: dict[tuple[int, int], np.ndarray]) -> None:
    print(title)
    print("  grid       land   masses  largest  four   coast")
    for (w, h), land in masks.items():
        g = Grid(w, h)
        lm = landmasses(land, g)
        name = f"{w}x{h}"
        print(
            f"  {name:<10} {land_fraction(land, g):.3f}  {lm.count:6d}  {lm.largest_share:.3f}"
            f"   {lm.four_largest_share:.3f}  {coastline_index(land):.1f}"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=",".join(f"{w}x{h}" for w, h in SIZES))
    args = parser.parse_args(argv)
    try:
        ocean, lat, lon = load_mask()
    except ImportError:
        print("needs the land mask: pip install global-land-mask", file=sys.stderr)
        return 2
    sizes = [(int(a), int(b)) for a, b in (s.split("x") for s in args.sizes.split(","))]
    table(
        "area: land where > 50 % of the cell's area is land",
        {(w, h): land_area_fraction(ocean, lat, lon, w, h) > 0.5 for w, h in sizes},
    )
    table(
        "centre: the mask's sample at each cell centre",
        {(w, h): centre_sample(ocean, lat, lon, w, h) for w, h in sizes},
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
