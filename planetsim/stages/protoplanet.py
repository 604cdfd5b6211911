"""protoplanet stage: passes registered here (placeholder until the stage lands)."""
