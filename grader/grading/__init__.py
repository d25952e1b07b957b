"""Grading submissions, from files on disk to records in the gradebook.

    discover      find submissions: an nbgrader submitted/ tree, a flat folder, or files
    extract       the code to grade from a notebook or .py, robust to what students do to notebooks
    submission    grade one: extract, load in a sandboxed worker, run the hidden suite -> record;
                  ``grade_contained``: nothing escapes, a failure is that student's grader_error
    batch         grade many in a pool of processes; each record committed as it arrives;
                  exactly once, resumable, interrupted cleanly
    pool_guard    the pool's processes die with the grader, even a grader killed with SIGKILL
    gradebook     SQLite, one row per (student, assignment, submission hash)
    regrade       what grading again changed (``--dry-run``)
    faults        fault injection points, so tests can prove no stage stops a batch
    commands      ``grade(...)``: the plain function behind ``course grade``
    gradescope_run  what Gradescope's run_autograder runs
"""
