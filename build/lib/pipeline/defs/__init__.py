"""The Dagster shell around the stages: assets, checks, resources, jobs, the sensor and the
schedule. Nothing here parses or validates; it calls the stages and shows their results."""
