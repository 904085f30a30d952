"""Saved views: a person names the query string of a work list and finds it again as a chip above the list."""
