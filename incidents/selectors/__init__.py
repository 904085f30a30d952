"""Every read of the incidents app, for the API and the pages alike: scoped by `access`, constant queries."""
