"""People in the support organisation and at the institutions."""
