"""The browser channel: widget files, demo shop pages, the agents' console, CORS and rate limits."""
