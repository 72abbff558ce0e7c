"""Integrity registers, investigations, statistics, cross-checks and force reports."""
