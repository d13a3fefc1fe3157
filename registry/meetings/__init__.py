"""Meetings of a steering group or a dialogue arena: the agenda, meeting mode with the live ranked
list and its capacity cut-line, and the frozen snapshot and minutes of a closed meeting."""
