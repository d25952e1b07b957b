"""Grading on a Dask ``distributed`` cluster (``course grade --scheduler`` / ``--dask-local``).

    bundle.py    what each Dask worker needs to grade (the bundle's files, its settings, the
                 secret), packed once, installed once per worker and checked by hash
    executor.py  the grader side: submissions out as bytes, records back as JSON, in the order
                 they finish, for ``grade_batch`` to commit one by one

Imported only when one of those options is used: ``dask`` and ``distributed`` take a second to
import, which ``course --help`` must not pay. docs/dask.md explains a real deployment.
"""


from grader.errors import UserError


class ClusterError(UserError):
    """The Dask cluster cannot be used (unreachable, no workers, lost mid-batch): one line;
    every record received before it is in the gradebook."""
