"""Processes (services such as admissions): owner, process responsible, team, mandate, RACI matrix."""
