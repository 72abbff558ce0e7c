"""The main job end to end on a simulated world: ``probity demo``."""
