"""Quality and speed measurements; `make bench` runs them all and prints their tables."""
