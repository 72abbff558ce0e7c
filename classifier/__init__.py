"""Probity classifier stage."""
