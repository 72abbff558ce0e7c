"""Request and response models. Every request model forbids unknown fields (422 naming them)."""
