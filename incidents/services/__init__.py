"""Every write of the incidents app, one function per business act, each in a transaction with its audit record."""
