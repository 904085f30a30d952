"""Every write of the exceptions app, one function per business act, split by sub-domain:

- catalog.py    processes and their versions
- requests.py   creating and editing requests, and the validation rules they obey
- lifecycle.py  the one function that applies the transitions table, and the acts built on it
- routing.py    per-region thresholds: a single approver or a change-control board
- costs.py      the cost ledger of active exceptions
"""
