"""Background jobs with progress, shared by every app.

A `Job` row holds what a person sees (status, total, done, message, result files); the work runs
in Django's Tasks API (`django_tasks_db` worker in production, the immediate backend in tests)
and writes its progress in its own short transactions. Because the state is in the database, the
progress page survives a reload and any number of app processes.
"""
