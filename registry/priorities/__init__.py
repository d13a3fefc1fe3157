"""Prioritising needs against the university's strategy: the strategy and its goals, each area's
scoring model, the steering-group members' scores, and the ranked backlog built from them."""
