"""The cross-department dependency graph (built by the graph issue)."""
