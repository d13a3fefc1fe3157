"""iCalendar feeds of steering-group and dialogue-arena meetings, per area and per person."""
