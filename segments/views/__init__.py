"""Pages of the segments app, one module per part: customers, tiers with the what-if preview, SLA
policies, service cases, imports, exports and consent, and sensitive data beyond the role.

Each view parses its input, calls one selector or service, and renders. Domain errors a service
raises become the 403/404/409 pages of the layout (intimacy_ops.middleware) unless the page has a
better place to say it (a form field, the stale-preview notice).
"""
