"""Pages of the feedback app, under /feedback/ (intimacy_ops/urls.py includes every business app's urls)."""
