"""Pages of the sandbox: datasets, models, runs."""
