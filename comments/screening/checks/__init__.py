"""One module per check. Each check is a class whose instances are called with a Submission
and return a Signal or None; see comments/screening/pipeline.py."""
