"""Exports of grading records: Gradescope results.json, CSV gradebook, feedback, summary report."""
