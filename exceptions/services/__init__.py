"""Every write of the exceptions app, one function per business act, split by sub-domain:

- catalog.py    processes and their versions
- requests.py   creating requests, and the validation rules they obey
- lifecycle.py  the one function that applies the transitions table, and the acts built on it (editing too)
- routing.py    per-region thresholds: a single approver or a change-control board (below the lifecycle)
- costs.py      the cost ledger of active exceptions
- extensions.py running an active exception longer, decided by a lead or (beyond the maximum) a board
- reminders.py  telling requesters, once per expiry date, that their exception ends soon
- similar.py    alike exceptions of many customers → asking the process owner for a standard option
- notifications.py  who hears about what, in plain words (called by the acts above, never by pages)
"""
