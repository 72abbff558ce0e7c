"""Probity crawler stage."""
