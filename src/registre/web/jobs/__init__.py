"""Background jobs: Django's Tasks framework with its database backend, a log per job, and the worker.

A task is a function decorated with `@task` (the django-tasks backport of
Django 6's `django.tasks`), defined at module level in a `tasks.py`:

    from django_tasks import task
    from registre.web.jobs.actions import log_job

    @task(takes_context=True)
    def execute_request(context, request_id: int) -> dict:
        log_job(context, "planning")
        ...
        return {"rows": 12}                     # JSON: shown on the job's page

    result = execute_request.enqueue(request_id=42)   # a row, run by `registre worker`

Each run is a `DBTaskResult` row (status, timestamps, arguments, return value,
error and traceback) plus the lines written with `log_job`.
"""
