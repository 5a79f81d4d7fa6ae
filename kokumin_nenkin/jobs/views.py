"""The progress page of a job and the JSON it polls (static/js/progress.js)."""

from django.http import JsonResponse
from django.shortcuts import render

from kokumin_nenkin.accounts.access import ANY_STAFF, requires

from .selectors import job_for, job_state


@requires(ANY_STAFF)
def job_progress(request, job_id: int):
    job = job_for(request.user, job_id)
    return render(request, "jobs/progress.html", {"job": job, "state": job_state(job)})


@requires(ANY_STAFF)
def job_status(request, job_id: int):
    job = job_for(request.user, job_id)
    response = JsonResponse(job_state(job), json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = "no-store"
    return response
