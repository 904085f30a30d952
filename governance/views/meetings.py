"""Pages of governance: meetings."""
