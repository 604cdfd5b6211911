"""A WorldEngine world's layers as one .npz, for benchmarks/bench_vs_worldengine.py.

Run by the WorldEngine environment's python (it imports worldengine and numpy, nothing of
planetsim):

    WE_VENV/bin/python benchmarks/worldengine_arrays.py DIR/NAME.world OUT.npz

The arrays are WorldEngine's own, in its orientation (row 0 north) and units (elevation
unitless, sea at `sea_level`; precipitation and temperature normalised): elevation, ocean
(bool), precipitation, temperature, biome (names), plus sea_level, the plate count asked for
and the worldengine version. A .world file saved with --hdf5 is not read.
"""

from __future__ import annotations

import sys

import numpy as np
from worldengine.model.world import World
from worldengine.version import __version__


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: worldengine_arrays.py WORLD_FILE OUT.npz", file=sys.stderr)
        return 2
    world = World.open_protobuf(argv[0])
    np.savez_compressed(
        argv[1],
        elevation=np.asarray(world.elevation, np.float64),
        ocean=np.asarray(world.ocean, bool),
        precipitation=np.asarray(world.precipitation, np.float64),
        temperature=np.asarray(world.temperature, np.float64),
        biome=np.asarray(world.biome, dtype=str),
        sea_level=np.float64(world.sea_level()),
        n_plates=np.int64(world.n_plates),
        version=np.asarray(__version__),
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
