"""Climate and water cycle: pressure maps from land and latitude, blurred on the sphere; the
seasonal sea-level pressure, temperature and Coriolis wind; vapour carried by the wind,
rain and clouds. Numbers follow "Climate Cookbook"-style fits to Earth (see issue 4).

climate stage     init: climate_init (CO2 where unset), then every step:
                  pressure -> blur_x_fine -> blur_x -> blur_y_fine -> blur_y
                                                 only when the land changed (every N steps)
                  weather                        mslp, temperature, wind (+ ascent scratch)
water_cycle stage init: vapour_init; every step: vapour_x (east-west transport), vapour
                  (north-south transport, evaporation from sea and soil, rain, clouds)

The sea-ice / land-snow rule shared with the views is SEA_ICE_BELOW_C / LAND_SNOW_BELOW_C
here and shaders/lib/climate.glsl on the GPU.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..core.fields import FieldSpec, register_field
from ..core.passes import FieldUse, PassDecl, Stage, Step, Uniform
from ..core.registry import register, register_stage

# ---- the sea-ice / snow rule (shaders/lib/climate.glsl holds the same numbers) --------------
SEA_ICE_BELOW_C = -2.0  # sea water (salty) freezes below this surface temperature, degC
LAND_SNOW_BELOW_C = 0.0  # snow lies on land below this surface temperature, degC


def sea_ice(temp_c: np.ndarray, land: np.ndarray) -> np.ndarray:
    """Boolean mask of frozen sea: ocean cells colder than SEA_ICE_BELOW_C."""
    return (~np.asarray(land, bool)) & (np.asarray(temp_c) < SEA_ICE_BELOW_C)


def land_snow(temp_c: np.ndarray, land: np.ndarray) -> np.ndarray:
    """Boolean mask of snow-covered land: land cells colder than LAND_SNOW_BELOW_C."""
    return np.asarray(land, bool) & (np.asarray(temp_c) < LAND_SNOW_BELOW_C)


# ---- scratch fields ---------------------------------------------------------------------------
CLIMATE_RAW = register_field(
    FieldSpec(
        "climate_raw",
        (
            "annual mean sea-level pressure, unblurred, hPa",
            "seasonal sea-level pressure term (x season), unblurred, hPa",
            "surface slope eastward (height above sea), m/m",
            "surface slope northward (height above sea), m/m",
        ),
        "land-dependent climate maps before the blur (pressure pass)",
        scratch=True,
    )
)


def _blur_field(name: str, what: str, by: str) -> FieldSpec:
    return register_field(
        FieldSpec(
            name,
            (
                f"annual pressure {what}, hPa",
                f"seasonal pressure {what}, hPa",
                "surface slope eastward, m/m (copied)",
                "surface slope northward, m/m (copied)",
            ),
            f"blur intermediate ({by} pass)",
            scratch=True,
        )
    )


CLIMATE_BLUR_X1 = _blur_field("climate_blur_x1", "after the fine longitude stage", "blur_x_fine")
CLIMATE_BLUR_X = _blur_field("climate_blur_x", "blurred in longitude", "blur_x")
CLIMATE_BLUR_Y1 = _blur_field("climate_blur_y1", "after the fine latitude stage", "blur_y_fine")
CLIMATE_MAPS = register_field(
    FieldSpec(
        "climate_maps",
        (
            "annual mean sea-level pressure, blurred, hPa",
            "seasonal sea-level pressure term, blurred, hPa",
            "surface slope eastward, m/m",
            "surface slope northward, m/m",
        ),
        "land-dependent climate maps the weather pass combines every step",
        scratch=True,
    )
)
ASCENT = register_field(
    FieldSpec(
        "ascent",
        (
            "ascent from low-level convergence, m/s",
            "ascent forced by the wind blowing uphill, m/s",
            "land, 0/1",
            "surface height above the sea, m",
        ),
        "vertical motion and surface facts the vapour pass needs (weather pass)",
        scratch=True,
    )
)

VAPOUR_HALF = register_field(
    FieldSpec(
        "vapour_half",
        ("vapour after the east-west half of the transport, kg/m^2", "", "", ""),
        "between the water cycle's two transport passes (vapour_x writes, vapour reads)",
        scratch=True,
    )
)
EDDY = register_field(
    FieldSpec(
        "eddy",
        (
            "sub-diagonal: the coupling to the row the stride south",
            "diagonal",
            "super-diagonal: the coupling to the row the stride north",
            "right-hand side (the vapour W = d / b once solved, kg/m^2)",
        ),
        "the storms' implicit mixing of vapour along each meridian as a tridiagonal system, "
        "reduced by eddy_pcr",
        scratch=True,
    )
)
SOIL = register_field(
    FieldSpec(
        "soil",
        (
            "soil water, mm (0 at sea; at most soil_capacity)",
            "evaporation, mm/yr (sea and land)",
            "runoff, mm/yr (rain the full soil could not take)",
            "",
        ),
        "the land's water bucket and the water cycle's fluxes (vapour pass)",
    )
)
CLOUD = register_field(
    FieldSpec(
        "cloud",
        (
            "humidity cloud (thin layers and cirrus), cover 0..1",
            "convective cloud (rising with rain), cover 0..1",
            "marine stratocumulus, cover 0..1",
            "storm cloud (the fronts of mid-latitude lows), cover 0..1",
        ),
        "the cover of each cloud type; they overlap at random into moisture.z (vapour pass)",
    )
)

# ---- uniforms ---------------------------------------------------------------------------------
BLUR_EXACT = Uniform(
    "pressure_blur_exact",
    "bool",
    False,
    "",
    "one-stage blur at every cell (slow; the default two-stage blur agrees to ~1e-3)",
)
BLUR_SIGMA = Uniform(
    "pressure_blur_sigma", "float", 12.0, "deg", "Gaussian sigma of the pressure maps", 1.0, 30.0
)
CO2_INITIAL = Uniform("co2_initial", "float", 280.0, "ppm", "CO2 where moisture.w is unset", 0.0)
CO2_SENSITIVITY = Uniform(
    "co2_sensitivity", "float", 3.0, "K/doubling", "warming per CO2 doubling vs 280 ppm"
)
LAPSE_RATE = Uniform("lapse_rate", "float", 6.5, "K/km", "cooling with height above the sea")
CORIOLIS_K = Uniform("coriolis_k", "float", 15.0, "", "Coriolis turning: k sin(lat) perp(grad)")
WIND_SCALE = Uniform(
    "wind_scale", "float", 0.15, "m/s per hPa/1000km", "wind per unit pressure gradient", 0.0
)
CONVERGENCE_DEPTH = Uniform(
    "convergence_depth", "float", 6000.0, "m", "depth of air rising per unit convergence", 0.0
)

VAPOUR_STEP = Uniform(
    "vapour_step_hours", "float", 6.0, "h", "atmospheric time per sim step", 0.01, 240.0
)
EVAPORATION_RATE = Uniform(
    "evaporation_rate", "float", 0.3, "1/day", "ocean evaporation per unit saturation deficit", 0.0
)
SOIL_CAPACITY = Uniform(
    "soil_capacity", "float", 150.0, "mm", "water the soil holds (Manabe's bucket)", 1.0
)
# Rain against column relative humidity r: P = (C / rain_rh_capacity) exp(a (r - b)) mm/day
# (Bretherton, Peters & Back 2004, J. Climate 17:1517, fit over tropical oceans).
RAIN_RH_A = Uniform("rain_rh_a", "float", 15.6, "", "rain's growth with humidity (Bretherton)")
RAIN_RH_B = Uniform("rain_rh_b", "float", 0.7, "0..1", "humidity of 1 mm/day of rain", 0.0, 1.0)
RAIN_RH_CAPACITY = Uniform(
    "rain_rh_capacity", "float", 70.0, "kg/m^2", "saturation column the fit was made at", 1.0
)
VAPOUR_EDDY = Uniform(
    "vapour_eddy", "float", 6.0e6, "m^2/s", "storms' poleward mixing of vapour", 0.0
)
FRONT_LIFT = Uniform(
    "front_lift", "float", 0.7e-3, "m/s per K/1000km", "frontal ascent per temperature gradient", 0
)
RAIN_LIFT_HEIGHT = Uniform(
    "rain_lift_height", "float", 1500.0, "m", "ascent that rains out 63% of the vapour", 1.0
)

# Humidity cloud from the column's relative humidity r above a critical r_c (Sundqvist, Berge &
# Kristjansson 1989, Mon. Wea. Rev. 117, 1641): C = 1 - sqrt((1 - r) / (1 - r_c)). Their r_c
# of 0.75-0.85 is a layer's; a column whose mean humidity is 0.35 already holds moist layers.
CLOUD_RH_CRITICAL = Uniform(
    "cloud_rh_critical",
    "float",
    0.35,
    "0..1",
    "column relative humidity at which humidity cloud begins (Sundqvist 1989)",
    0.0,
    0.99,
)
# Marine stratocumulus from the lower-tropospheric stability (Klein & Hartmann 1993), see the
# vapour pass: the zonal LTS at the thermal equator (Earth's deep tropics: 12-14 K), the share
# of the surface's equator-to-pole contrast the air at 700 hPa keeps, and how long sea air
# blown toward the equator keeps cooling the surface under it.
SC_LTS_EQUATOR = Uniform(
    "sc_lts_equator", "float", 12.5, "K", "lower-tropospheric stability at the thermal equator"
)
SC_FREE_SHARE = Uniform(
    "sc_free_share",
    "float",
    0.65,
    "0..1",
    "share of the surface's equator-to-pole contrast the air at 700 hPa keeps",
    0.0,
    1.0,
)
SC_ADVECTION_DAYS = Uniform(
    "sc_advection_days", "float", 5.0, "days", "cooling time of sea air blown equatorward", 0.0
)
STORM_CLOUD = Uniform(
    "storm_cloud", "float", 0.85, "0..1", "cloud of the mid-latitude lows' fronts", 0.0, 1.0
)

# ---- passes -----------------------------------------------------------------------------------
CLIMATE_INIT = PassDecl(
    name="climate_init",
    shader="sim/climate_init.frag",
    stage="climate",
    doc="CO2 = co2_initial where it is unset (0); loaded states keep theirs",
    fields=(FieldUse("moisture", "inout", "w: CO2, ppm, set where 0", channels="w"),),
    uniforms=(CO2_INITIAL,),
)

PRESSURE = PassDecl(
    name="pressure",
    shader="sim/pressure.frag",
    stage="climate",
    doc="unblurred annual and seasonal sea-level pressure from land/ocean and latitude; slope",
    fields=(
        FieldUse("terrain", "in", "x: elevation, m (land where > sea level)"),
        FieldUse("climate_raw", "out", "annual, seasonal pressure (hPa); surface slope (m/m)"),
    ),
)


def _blur(name: str, src: str, dst: str, doc: str) -> PassDecl:
    return PassDecl(
        name=name,
        shader=f"sim/{name}.frag",
        stage="climate",
        doc=doc,
        fields=(
            FieldUse(src, "in", "pressure maps (x annual, y seasonal hPa; z, w slope)"),
            FieldUse(dst, "out", "x, y blurred further; z, w copied"),
        ),
        uniforms=(BLUR_SIGMA, BLUR_EXACT),
    )


# Two stages per direction (lib/blur.glsl): a fine Gaussian at every cell, then the rest of
# the Gaussian at a stride; together the separable Gaussian on the sphere, in ~1/3 the taps.
BLUR_X_FINE = _blur(
    "blur_x_fine", "climate_raw", "climate_blur_x1", "longitude blur, fine stage (every column)"
)
BLUR_X = _blur(
    "blur_x",
    "climate_blur_x1",
    "climate_blur_x",
    "longitude blur, strided stage; kernel widening with 1/cos(lat), wrapping at +-180 deg",
)
BLUR_Y_FINE = _blur(
    "blur_y_fine", "climate_blur_x", "climate_blur_y1", "latitude blur, fine stage (every row)"
)
BLUR_Y = _blur(
    "blur_y", "climate_blur_y1", "climate_maps", "latitude blur, strided stage, across the poles"
)

WEATHER = PassDecl(
    name="weather",
    shader="sim/weather.frag",
    stage="climate",
    doc="mslp = annual + season * seasonal; temperature; Coriolis-turned wind; ascent",
    fields=(
        FieldUse("climate_maps", "in", "blurred pressure maps, surface slope"),
        FieldUse("terrain", "in", "x: elevation, m"),
        FieldUse("moisture", "in", "w: CO2, ppm"),
        FieldUse("air", "out", "mslp hPa, temperature degC, wind u, v m/s"),
        FieldUse("ascent", "out", "ascent (convergence, orographic) m/s; land; height m"),
    ),
    uniforms=(LAPSE_RATE, CO2_SENSITIVITY, CORIOLIS_K, WIND_SCALE, CONVERGENCE_DEPTH),
)

VAPOUR_INIT = PassDecl(
    name="vapour_init",
    shader="sim/vapour_init.frag",
    stage="water_cycle",
    doc="vapour = 70% of what the air holds where it is unset (0), to shorten the spin-up",
    fields=(
        FieldUse("air", "in", "y: temperature, degC"),
        FieldUse("moisture", "inout", "x: vapour kg/m^2, set where 0", channels="x"),
    ),
)

VAPOUR_X = PassDecl(
    name="vapour_x",
    shader="sim/vapour_x.frag",
    stage="water_cycle",
    doc="vapour carried east-west by the wind, flux form (the first half of the step)",
    fields=(
        FieldUse("air", "in", "z: wind east, m/s"),
        FieldUse("moisture", "in", "x: vapour kg/m^2"),
        FieldUse("vapour_half", "out", "x: vapour after this half, kg/m^2"),
    ),
    uniforms=(VAPOUR_STEP,),
)

EDDY_INIT = PassDecl(
    name="eddy_init",
    shader="sim/eddy_init.frag",
    stage="water_cycle",
    doc="the storms' poleward mixing of vapour: one implicit diffusion step's tridiagonal system",
    fields=(
        FieldUse("vapour_half", "in", "x: vapour after vapour_x, kg/m^2"),
        FieldUse("eddy", "out", "each row's equation: sub, diagonal, super, right-hand side"),
    ),
    uniforms=(VAPOUR_STEP, VAPOUR_EDDY),
)

EDDY_PCR = PassDecl(
    name="eddy_pcr",
    shader="sim/eddy_pcr.frag",
    stage="water_cycle",
    doc="one level of parallel cyclic reduction of the meridians' tridiagonal systems",
    fields=(FieldUse("eddy", "inout", "the equations, coupling rows the stride apart"),),
    uniforms=(Uniform("eddy_stride", "int", 1, "rows", "rows between coupled equations (set)", 1),),
)

VAPOUR = PassDecl(
    name="vapour",
    shader="sim/vapour.frag",
    stage="water_cycle",
    doc="vapour carried north-south (flux form); evaporation, rain, clouds; the soil's water",
    fields=(
        FieldUse("air", "in", "mslp hPa, temperature degC, wind north m/s"),
        FieldUse("ascent", "in", "y: ascent up the slope m/s, z: land 0/1"),
        FieldUse("life", "in", "x: plants (evaporation from the soil)"),
        FieldUse("eddy", "in", "the vapour after vapour_x and the eddies' mixing: w / y"),
        FieldUse(
            "moisture", "inout", "vapour kg/m^2, precipitation mm/yr, cloud 0..1", channels="xyz"
        ),
        FieldUse("soil", "inout", "soil water mm, evaporation, runoff mm/yr", channels="xyz"),
        FieldUse("cloud", "out", "cover of each type: humidity, convective, stratocumulus, storm"),
    ),
    uniforms=(
        VAPOUR_STEP,
        EVAPORATION_RATE,
        SOIL_CAPACITY,
        RAIN_RH_A,
        RAIN_RH_B,
        RAIN_RH_CAPACITY,
        RAIN_LIFT_HEIGHT,
        FRONT_LIFT,
        CLOUD_RH_CRITICAL,
        SC_LTS_EQUATOR,
        SC_FREE_SHARE,
        SC_ADVECTION_DAYS,
        STORM_CLOUD,
    ),
)

register(
    CLIMATE_INIT,
    PRESSURE,
    BLUR_X_FINE,
    BLUR_X,
    BLUR_Y_FINE,
    BLUR_Y,
    WEATHER,
    VAPOUR_INIT,
    VAPOUR_X,
    EDDY_INIT,
    EDDY_PCR,
    VAPOUR,
)

# The blur costs ~25 3x3-passes (llvmpipe, 512x256: ~95 ms of CPU): while plates move the land
# every step, redo it at most every N steps. Default 16: the coasts move a cell in many more
# steps and the maps are blurred over ~1300 km (sigma 12 deg), so a change shows within 16
# steps, at 1/16 of the cost (the maps are a function of the land, not a rate: nothing to
# rescale). Set 1 for a land change to show at once (see WEATHER_EVERY on how `every` counts).
MAPS_EVERY = Uniform(
    "climate_maps_every",
    "int",
    16,
    "steps",
    "redo the blurred pressure maps at most every N steps while the land moves",
    1,
)
# The weather follows the season, CO2 and the land, all slow next to a step: a story may
# set 2 (saves ~3 ms a step on llvmpipe at 512x256). `every` counts sim steps (step_count):
# in sim.step() every stage of a step sees the same count, but separate run_stage() calls
# each advance it, so alternating two stages by hand would lock one to odd or even counts.
WEATHER_EVERY = Uniform(
    "weather_every", "int", 1, "steps", "recompute mslp, temperature and wind every N steps", 1
)

# The water cycle may run every N steps with N times the air's hours a run (a story sets
# water_every = 2 with vapour_step_hours = 12: the same air a step at half the passes).
WATER_EVERY = Uniform(
    "water_every", "int", 1, "steps", "run the water cycle every N steps (its hours a run)", 1
)


def water_hook(sim: Any) -> None:
    """The water cycle's stage: a run every water_every steps."""
    if sim.stage_runs("water_cycle") % int(sim.values["water_every"]) == 0:
        water_run(sim)


def water_run(sim: Any) -> None:
    """One run of the water cycle's passes: the transport east (vapour_x), the storms' mixing
    solved implicitly along the meridians (eddy_init, then eddy_pcr at strides 1, 2, 4, ...
    below the grid's height), the transport north with the sources (vapour)."""
    values = {**sim.values, "step": sim.step_count}
    sim.runner.run(VAPOUR_X, values)
    sim.runner.run(EDDY_INIT, values)
    stride = 1
    while stride < sim.grid.height:
        sim.runner.run(EDDY_PCR, {**values, "eddy_stride": stride})
        stride *= 2
    sim.runner.run(VAPOUR, values)


_MAPS = tuple(Step(n) for n in ("pressure", "blur_x_fine", "blur_x", "blur_y_fine", "blur_y"))
register_stage(
    Stage(
        name="climate",
        doc="seasonal sea-level pressure, temperature and Coriolis winds",
        # The maps are made once at the start whatever the step count, so `every` can only
        # delay an update, never leave the weather without maps.
        init=(Step("climate_init"), *_MAPS, Step("weather")),
        steps=(
            *(Step(s.pass_name, every="climate_maps_every", when="land_changed") for s in _MAPS),
            Step("weather", every="weather_every"),
        ),
        params=(MAPS_EVERY, WEATHER_EVERY),
    )
)
register_stage(
    Stage(
        name="water_cycle",
        doc="vapour carried by the wind, evaporation from sea and soil, rain and clouds",
        init=(Step("vapour_init"),),
        steps=(),
        params=(WATER_EVERY,),
        hook=water_hook,
        hook_passes=("vapour_x", "eddy_init", "eddy_pcr", "vapour"),
    )
)
