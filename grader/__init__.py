"""The nn-foundations framework: build, release, grade, feedback, export, and the ``course`` CLI.

The flow, one subpackage a stage:

    course.toml ──config──> build/ ──> build/<dir>/{source,release,autograder}
                                            │ autograder/<slug>/manifest.json + tests/
                                            v
    submissions ──grading/──> bundle ─> worker/ (student code, sandboxed)
                        │                 ^
                        └──> suite/ ──────┘ hidden pytest suite, in the trusted process
                                │
                                v records (records.py)
                        grading/gradebook ──> export/ (feedback, CSV, Gradescope, JUnit, nbgrader)
                                          ──> lifecycle/ (late work, LMS exports)

Top-level modules, each one idea that several stages share:

    cli           the ``course`` command: thin typer layer over the plain functions below
    config        course.toml read into frozen dataclasses and validated (ConfigError)
    config_discovery  which course.toml a command means (nearest one, or a build folder's link)
    limits        ``Limits``: what one submission's worker may use (course.toml -> manifest -> worker)
    tolerance     ``Tolerance``: closeness of a student's number to the reference's
    bundle        ``AssignmentBundle``: an autograder bundle read back from its manifest
    records       ``SubmissionRecord`` / ``TestResult``: what grading produced, deterministic JSON
    errors        ``UserError`` (one line, exit 2) and ``GradingInterrupted``; the rest is a bug (exit 3)
    safe_text     student text made safe to store and show (the one boundary every record passes)
    main_job, samples  the README's main job: sample students, graded, with a course report

Subpackages:

    build/      assignment sources -> nbgrader source, student release, autograder bundle
    grading/    find, extract and grade submissions; the batch, its gradebook and regrade diff
    cluster/    the batch's submissions graded on a Dask cluster instead of the local pool
    suite/      the hidden pytest suite against one submission; diagnoses of wrong outputs
    worker/     the sandbox that runs student code, and the client that calls into it
    export/     records -> feedback, CSV, Gradescope results.json, JUnit, nbgrader gradebook
    selftest/   does a hidden suite grade right? reference, release, mutants, alternatives, fakes
    lifecycle/  new, release, collect, late work, LMS exports, similarity
"""
