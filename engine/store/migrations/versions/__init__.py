"""One file per schema revision, chained by ``down_revision`` from ``0001_baseline``."""
