"""Import of customers and service cases from other systems (CONTRACT.md, "Import files").

columns.py     the expected columns of each kind of file
reading.py     CSV and JSON read as a stream of rows; files refused whole
validation.py  every cell of a row checked, problems named by column
service.py     the import itself: batches, idempotent writes, audit, the queued run of an upload
selectors.py   runs a user may see, and the rejected rows as a CSV to correct and upload again
"""

from intimacy_ops.accounts import navigation
from intimacy_ops.accounts.roles import Role

navigation.register(
    key="imports",
    label="Imports",
    url_name="segments:imports",
    roles={Role.OPERATIONS_LEAD, Role.DATA_STEWARD},
    order=60,
)
