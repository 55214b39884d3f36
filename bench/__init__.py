"""`make bench`: load tests of the portal under gunicorn, reported against the /healthz floor."""
