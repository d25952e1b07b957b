"""The nn-foundations framework: build, release, grade, feedback, export, and the ``course`` CLI."""
