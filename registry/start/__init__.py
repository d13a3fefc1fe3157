"""The start page: what awaits a logged-in person, by role, and what became of their own needs."""
