"""Every read of the feedback app that matters, for the API and the pages alike, scoped by `access`."""
