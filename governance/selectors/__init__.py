"""Governance's reads, by sub-domain: `reviews` (the member's queue, who sits on a review) and `meetings`."""
