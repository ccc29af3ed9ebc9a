from celery import shared_task

from config.maintenance import prune_all


@shared_task(name="maintenance.prune", soft_time_limit=20 * 60, time_limit=21 * 60)
def prune() -> dict[str, int]:
    return prune_all()
