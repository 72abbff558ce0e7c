"""Probity core: settings, database schema, forces reference data, errors and the CLI."""

__version__ = "0.1.0"
