"""NiceGUI pages; each module has ``register(system)``."""
