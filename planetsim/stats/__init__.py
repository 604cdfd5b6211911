"""The planet measured against Earth (`planetsim stats`): reads a simulation's fields, runs a
seasonal cycle for the climate figures and hands plain arrays to planetsim.analysis."""
