"""Organisations that procedures bring into being (a split-off area's new community), journalled by their case."""
