"""/recap and /episodes: what the documents say happens in each episode."""
