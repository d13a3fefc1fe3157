"""Notifications: who is told what, in the registry and by e-mail, when needs, decisions and mandates move."""
