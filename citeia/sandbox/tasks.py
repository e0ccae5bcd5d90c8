"""Background tasks of the sandbox: thin, they load a row and call a service."""

from django_tasks import task


@task()
def scan_dataset(dataset_id: int) -> str:
    from . import services

    return services.dataset_scan(dataset_id=dataset_id)


@task()
def execute_run(run_id: int) -> str:
    from . import runner

    return runner.run_execute(run_id=run_id)


@task()
def purge_expired_datasets() -> int:
    """Delete the files of datasets past their retention date (schedule it daily)."""
    from . import services

    return services.dataset_purge_expired()
