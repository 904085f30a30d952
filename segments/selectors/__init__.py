"""Reads of the segments app by sub-domain, for the API and the pages alike: `customers`, `cases`, `tiers`."""
