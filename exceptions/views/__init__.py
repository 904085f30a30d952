"""Pages of the exceptions app, by sub-domain: `requests` (lists, form, acts), `detail` (a request's page),
`ledger` (costs and extensions of an active exception), `processes` (the catalog)."""
