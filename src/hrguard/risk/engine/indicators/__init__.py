"""Built-in indicators; each module registers its indicator on import."""
