"""Probity training stage."""
