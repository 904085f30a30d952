"""Pages of governance: reviews."""
