"""Development needs: intake, clarification, routing and their life cycle (built by the needs issue)."""
