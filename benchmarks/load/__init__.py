"""`make bench-load`: a locust load run against gunicorn on PostgreSQL (issue 16, item 6)."""
