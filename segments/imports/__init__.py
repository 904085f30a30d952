"""Import of customers and service cases from other systems (CONTRACT.md, "Import files").

columns.py     the expected columns of each kind of file
reading.py     CSV and JSON read as a stream of rows; files refused whole
validation.py  every cell of a row checked, problems named by column
service.py     who may import; a file imported now (the command line); an upload queued for a worker
running.py     a run: the file read in batches, a queued run claimed by one worker, the run finished
writing.py     a batch's rows written: idempotent inserts and updates, rejected rows, counts, audit
selectors.py   runs a user may see, and the rejected rows as a CSV to correct and upload again
models.py      a run and the rows it rejected (Django finds them through segments/models.py)
"""
