"""The VSO registry: how a university's support organisation governs the development of its services."""
