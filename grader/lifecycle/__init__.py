"""The course's life cycle around build and grade: ``course new``, ``release``, ``collect``,
late work, grade-book exports for an LMS, the similarity report and the safety rails.

One module per idea; ``commands`` holds the plain functions that ``grader/cli.py`` wraps.
"""
