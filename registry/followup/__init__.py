"""Follow-up of the model: how many needs, how fast, where they wait, how often they are bounced, what was decided."""
