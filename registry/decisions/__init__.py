"""The steering group's recommendations and the line's binding decisions, kept apart.

The group advises (a `Recommendation`); each affected department's head or deputy decides for their
own department (a `LineDecision`); the need's state follows from all the current decisions."""
