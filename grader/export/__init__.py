"""Grading records turned into what people and platforms read.

    outputs       every output of a graded assignment, per student and per batch
    feedback      per-student feedback, Markdown and HTML
    report        the instructor's summary report (histogram, tests passed per function)
    misconceptions  what the class got wrong: named mistakes across students
    csv_gradebook the CSV gradebook
    gradescope    Gradescope results.json
    junit         JUnit XML for CI
    nbgrader_gradebook  our records into nbgrader's gradebook.db, through nbgrader's API
    escape        record text escaped for each format (Markdown, HTML, CSV, terminal)
    numbers       scores as people read them
"""
