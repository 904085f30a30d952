"""Pages of governance: policies."""
