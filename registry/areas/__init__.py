"""The organisation register: support-service areas (VSO), departments, institutions,
steering groups and dialogue arenas."""
