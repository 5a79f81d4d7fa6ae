"""Reads of jobs, already scoped to the person asking: a job is seen by its owner only."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from .models import Job

if TYPE_CHECKING:
    from kokumin_nenkin.accounts.models import Staff


def jobs_of(user: Staff) -> QuerySet[Job]:
    return Job.objects.filter(owner=user)


def job_for(user: Staff, job_id: int) -> Job:
    """The job if it is the user's; 404 otherwise (another's job is not even confirmed)."""
    return get_object_or_404(jobs_of(user), pk=job_id)


def job_state(job: Job) -> dict:
    """What the progress page and its JSON endpoint show."""
    return {
        "id": job.pk,
        "label": job.label,
        "status": job.status,
        "status_label": job.get_status_display(),
        "total": job.total,
        "done": job.done,
        "percent": job.percent,
        "message": job.message,
        "finished": job.finished,
        "next_url": job.result.get("next_url", "") if job.status == "succeeded" else "",
        "updated_at": job.updated_at.isoformat(),
    }
