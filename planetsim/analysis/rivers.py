"""River figures on a Routing (routing.route): Flint's concavity, Hack's exponent, the largest
basins and the share of land in closed (endorheic) basins.

* Channels are land cells draining at least `min_cells` cells (default 5, the cell itself
  included) with a positive slope to their receiver; at the grid scales of planetsim (a cell is
  tens of km across) every such cell holds a river.
* Flint's law S = k A^-theta (Flint 1974, Water Resour. Res. 10:969): theta is minus the
  least-squares slope of log S on log A over channel cells. Earth 0.4-0.6 (Whipple 2004, Annu.
  Rev. Earth Planet. Sci. 32:151).
* Hack's law L = c A^h (Hack 1957, USGS Prof. Paper 294-B): L is the main-stream length, the
  longest flow path from the cell up to its divide (routing.main_stream_length_m, km on the
  sphere); h is the least-squares slope of log L on log A over channel cells. Earth 0.5-0.6
  (Rigon et al. 1996, Water Resour. Res. 32:3367).
* Closed basins. Every filled depression holds a lake at its spill level. Its water balance
  over a year is the runoff of the cells that drain into it, plus (P - E) over the lake itself,
  plus the surplus of the lakes upstream that spill into it. Runoff = max(P - PET, 0) over land
  and lake evaporation = PET, i.e. actual evaporation = min(P, PET), the supply and demand
  limits of Budyko (1974, Climate and Life). PET (mm/yr) = 58.93 * T with T the annual mean
  temperature clipped to 0..30 C, Holdridge's (1967, Life Zone Ecology) rule with the annual
  mean standing in for his biotemperature. A lake whose evaporation exceeds its inflow does not
  spill: it and everything draining into it drains to no sea. Earth: about 18 % of land.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from ._util import d8_pairs
from .routing import (
    Routing,
    _doubling_roots,
    doubling_depth,
    drainage_basins,
    main_stream_length_m,
)

CHANNEL_MIN_CELLS = 5


def power_law_exponent(x: np.ndarray, y: np.ndarray) -> float:
    """Least-squares slope b of log y = a + b log x over the pairs with x, y > 0 (nan with
    fewer than two distinct x)."""
    x = np.asarray(x, dtype=float).ravel()
    y = np.asarray(y, dtype=float).ravel()
    keep = (x > 0) & (y > 0) & np.isfinite(x) & np.isfinite(y)
    lx, ly = np.log(x[keep]), np.log(y[keep])
    if lx.size < 2 or np.ptp(lx) == 0:
        return float("nan")
    dx = lx - lx.mean()
    return float((dx * (ly - ly.mean())).sum() / (dx * dx).sum())


def channel_mask(routing: Routing, min_cells: int = CHANNEL_MIN_CELLS) -> NDArray[np.bool_]:
    """(H, W) channel cells: land, drained cells >= min_cells, slope > 0."""
    return routing.land & (routing.drained_cells >= min_cells) & (routing.slope > 0)


def concavity(routing: Routing, min_cells: int = CHANNEL_MIN_CELLS) -> float:
    """Flint's concavity theta (slope ~ area^-theta) over channel cells; Earth 0.4-0.6."""
    ch = channel_mask(routing, min_cells)
    return -power_law_exponent(routing.drained_area_m2[ch], routing.slope[ch])


def hack_exponent(
    routing: Routing,
    min_cells: int = CHANNEL_MIN_CELLS,
    length_m: np.ndarray | None = None,
) -> float:
    """Hack's exponent h (main-stream length ~ area^h) over channel cells; Earth 0.5-0.6.
    `length_m` may pass main_stream_length_m(routing) if it is already computed."""
    ch = channel_mask(routing, min_cells)
    length = main_stream_length_m(routing) if length_m is None else np.asarray(length_m)
    return power_law_exponent(routing.drained_area_m2[ch], length[ch] / 1000.0)


def potential_evaporation_mm_yr(temp_c: np.ndarray) -> NDArray[np.float64]:
    """PET (mm/yr) from annual mean temperature (C): 58.93 * clip(T, 0, 30), after Holdridge
    (1967), the annual mean in place of his biotemperature."""
    return 58.93 * np.clip(np.asarray(temp_c, dtype=float), 0.0, 30.0)


def runoff_mm_yr(precip_mm_yr: np.ndarray, temp_c: np.ndarray) -> NDArray[np.float64]:
    """Runoff (mm/yr) = max(P - PET, 0): evaporation min(P, PET), the Budyko (1974) limits."""
    p = np.asarray(precip_mm_yr, dtype=float)
    return np.maximum(p - potential_evaporation_mm_yr(temp_c), 0.0)


@dataclass(frozen=True)
class ClosedBasins:
    """Lakes of the filled surface and which of them drain to no sea. Lake ids are 0..n-1."""

    lakes: NDArray[np.int64]  # (H, W) lake id of each lake cell (flat at its level), else -1
    spill_to: NDArray[np.int64]  # (n,) lake the lake spills into, -1 for the sea
    balance_m3_yr: NDArray[np.float64]  # (n,) inflow + rain on the lake - lake evaporation
    closed: NDArray[np.bool_]  # (n,) evaporation exceeds inflow: the lake does not spill
    terminal: NDArray[np.int64]  # (H, W) closed lake a land cell finally drains to, else -1
    endorheic: NDArray[np.bool_]  # (H, W) land draining to no sea
    share_of_land: float  # area share of land in closed basins; Earth about 0.18

    def basin_labels(self, routing: Routing) -> NDArray[np.int64]:
        """Basin labels for routing.drainage_basins with closed lakes as outlets: for land
        draining to a closed lake, the flat index of that lake's first cell; else the mouth."""
        first = np.full(self.closed.size + 1, -1, dtype=np.int64)  # [-1] stays -1
        flat = self.lakes.ravel()
        cells = np.flatnonzero(flat >= 0)
        ids, pos = np.unique(flat[cells], return_index=True)
        first[ids] = cells[pos]
        term = self.terminal.ravel()
        lab = np.where(term >= 0, first[term], routing.mouth.ravel())
        return lab.reshape(routing.grid.shape)


def lake_regions(routing: Routing) -> tuple[NDArray[np.int64], int]:
    """Lakes: 8-connected (wrapped) sets of land cells at one filled level that hold at least
    one cell below it. Shore cells exactly at the level belong to the lake, so a flow path
    that leaves a lake never comes back to it. Returns ((H, W) ids or -1, count)."""
    g = routing.grid
    n = g.width * g.height
    land = routing.land.ravel()
    f = routing.filled.ravel()
    i, j = d8_pairs(g)
    keep = land[i] & land[j] & (f[i] == f[j])
    graph = coo_matrix((np.ones(int(keep.sum()), np.int8), (i[keep], j[keep])), shape=(n, n))
    _, comp = connected_components(graph, directed=False)
    wet = land & (f > routing.elevation.ravel())
    has_lake = np.bincount(comp, weights=wet, minlength=comp.max() + 1) > 0
    new_id = np.cumsum(has_lake) - 1
    lakes = np.where(land & has_lake[comp], new_id[comp], -1)
    return lakes.reshape(g.shape).astype(np.int64), int(has_lake.sum())


def closed_basins(routing: Routing, precip_mm_yr: np.ndarray, temp_c: np.ndarray) -> ClosedBasins:
    """Which lakes spill and which land drains to no sea, from annual mean precipitation
    (mm/yr) and temperature (C) fields; the water balance is in the module docstring."""
    g = routing.grid
    n = g.width * g.height
    land = routing.land.ravel()
    recv = routing.receiver.ravel()
    lakes2, nl = lake_regions(routing)
    lakes = lakes2.ravel()
    cells = np.arange(n)

    p = np.asarray(precip_mm_yr, dtype=float).ravel()
    pet = potential_evaporation_mm_yr(temp_c).ravel()
    rate = np.where(lakes >= 0, p - pet, np.maximum(p - pet, 0.0))  # mm/yr
    water = np.where(land, rate * 1e-3 * g.cell_area_m2.ravel(), 0.0)  # m^3/yr

    # First lake (or sea) cell at or below each cell.
    stop = _doubling_roots(np.where(land & (lakes < 0), recv, cells))
    stop_lake = np.where(land, lakes[stop], -1)
    local = np.bincount(stop_lake[stop_lake >= 0], weights=water[stop_lake >= 0], minlength=nl)

    # Where each lake spills: the first lake below the receiver of a lake cell that leaves it.
    leaving = np.flatnonzero((lakes >= 0) & (lakes[recv] != lakes))
    ids, pos = np.unique(lakes[leaving], return_index=True)
    spill_to = np.full(nl, -1, dtype=np.int64)
    out = recv[leaving[pos]]
    spill_to[ids] = np.where(land[out], lakes[stop[out]], -1)

    # Lakes by their number of lakes to the sea, upstream first: net balance, spill surplus.
    sea_node = nl
    down = np.append(np.where(spill_to >= 0, spill_to, sea_node), sea_node)
    depth = doubling_depth(down)[:nl]
    inflow = np.zeros(nl)
    balance = np.zeros(nl)
    for d in range(int(depth.max(initial=0)), 0, -1):
        idx = np.flatnonzero(depth == d)
        net = local[idx] + inflow[idx]
        balance[idx] = net
        spill = (net >= 0) & (spill_to[idx] >= 0)
        np.add.at(inflow, spill_to[idx[spill]], net[spill])
    closed = balance < 0

    # A spilling lake's water ends in the first closed lake downstream, or in the sea.
    nxt = np.append(np.where(closed, np.arange(nl), down[:nl]), sea_node)
    term_lake = _doubling_roots(nxt)[:nl]
    term_lake = np.append(np.where(term_lake == sea_node, -1, term_lake), -1)
    terminal = term_lake[stop_lake]  # index -1 (no lake) picks the appended -1
    endorheic = terminal >= 0

    area = g.cell_area_m2.ravel()
    land_area = float(area[land].sum())
    share = float(area[endorheic].sum() / land_area) if land_area > 0 else float("nan")
    shape = g.shape
    return ClosedBasins(
        lakes=lakes2,
        spill_to=spill_to,
        balance_m3_yr=balance,
        closed=closed,
        terminal=terminal.reshape(shape).astype(np.int64),
        endorheic=endorheic.reshape(shape),
        share_of_land=share,
    )


@dataclass(frozen=True)
class RiverStats:
    """The river figures of one planet."""

    largest_basin_shares: NDArray[np.float64]  # top basins, share of land, largest first
    basins_over_half_percent: int  # Earth about 25
    concavity: float  # theta; Earth 0.4-0.6
    hack_exponent: float  # h; Earth 0.5-0.6
    channel_min_cells: int
    endorheic_share: float  # share of land in closed basins (nan without climate); Earth 0.18


def river_stats(
    routing: Routing,
    precip_mm_yr: np.ndarray | None = None,
    temp_c: np.ndarray | None = None,
    min_cells: int = CHANNEL_MIN_CELLS,
    top: int = 10,
) -> RiverStats:
    """All river figures. With precipitation and temperature, closed lakes are outlets of
    their own basins and the endorheic share is measured; without, every basin reaches the
    sea and the share is nan."""
    if precip_mm_yr is not None and temp_c is not None:
        cb = closed_basins(routing, precip_mm_yr, temp_c)
        basins = drainage_basins(routing, cb.basin_labels(routing))
        endorheic = cb.share_of_land
    else:
        basins = drainage_basins(routing)
        endorheic = float("nan")
    return RiverStats(
        largest_basin_shares=basins.shares[:top].copy(),
        basins_over_half_percent=basins.count_over(0.005),
        concavity=concavity(routing, min_cells),
        hack_exponent=hack_exponent(routing, min_cells),
        channel_min_cells=min_cells,
        endorheic_share=endorheic,
    )


@dataclass(frozen=True)
class SlopeArea:
    """Channel slope against drained area, binned for plotting, with Flint's fitted line
    log10 S = log10_k - theta log10 A (A in km^2, the least squares of concavity())."""

    theta: float
    log10_k: float
    area_km2: NDArray[np.float64]  # (n,) geometric centre of each log-area bin with channels
    median_slope: NDArray[np.float64]  # (n,) median slope (m/m) of the bin's channel cells
    p10_slope: NDArray[np.float64]  # (n,) 10th percentile
    p90_slope: NDArray[np.float64]  # (n,) 90th percentile
    cells: NDArray[np.int64]  # (n,) channel cells in the bin


def slope_area(
    routing: Routing, min_cells: int = CHANNEL_MIN_CELLS, bins_per_decade: int = 4
) -> SlopeArea:
    """Slope-area pairs of channel cells (channel_mask) binned in log area, and the fitted
    Flint line; empty arrays and nan without channels."""
    ch = channel_mask(routing, min_cells)
    a = routing.drained_area_m2[ch] / 1e6
    s = routing.slope[ch]
    keep = (a > 0) & (s > 0)
    la, ls = np.log10(a[keep]), np.log10(s[keep])
    empty = np.zeros(0)
    if la.size < 2 or np.ptp(la) == 0:
        nan = float("nan")
        return SlopeArea(nan, nan, empty, empty, empty, empty, np.zeros(0, np.int64))
    slope_b = power_law_exponent(10**la, 10**ls)
    log10_k = float(ls.mean() - slope_b * la.mean())
    lo = np.floor(la.min() * bins_per_decade) / bins_per_decade
    edges = np.arange(lo, la.max() + 1.0 / bins_per_decade, 1.0 / bins_per_decade)
    which = np.clip(np.searchsorted(edges, la, side="right") - 1, 0, edges.size - 2)
    order = np.argsort(which, kind="stable")
    groups = np.split(ls[order], np.flatnonzero(np.diff(which[order])) + 1)
    ids = np.unique(which)
    q = np.array([np.percentile(grp, [10, 50, 90]) for grp in groups])
    return SlopeArea(
        theta=-slope_b,
        log10_k=log10_k,
        area_km2=10 ** (0.5 * (edges[ids] + edges[ids + 1])),
        median_slope=10 ** q[:, 1],
        p10_slope=10 ** q[:, 0],
        p90_slope=10 ** q[:, 2],
        cells=np.array([grp.size for grp in groups], dtype=np.int64),
    )
