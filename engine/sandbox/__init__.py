"""Sandboxed evaluation of the conditions and scripts process owners upload."""
