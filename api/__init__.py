"""Probity api stage."""
