"""Database plumbing: the declarative base, engine set-up and migrations."""
