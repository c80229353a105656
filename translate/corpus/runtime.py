"""Ray, imported only here and only when a corpus command runs.

Ray is an optional extra: ``translate`` and ``glossary`` must work without it, so nothing
outside ``translate.corpus`` imports it, and a missing install is one clear sentence.
"""
from __future__ import annotations

import logging
import os

INSTALL_HINT = 'pip install -e ".[distributed]"   (Ray Data and pyarrow)'
LOCAL = "local"
# Ray 2.60 turns token authentication on for a new local cluster and says so on every start
# ("Token authentication is enabled for this Ray cluster. Set RAY_AUTH_MODE=disabled to opt
# out"): the secure default is kept, only the notice is silenced.
AUTH_NOTICE_LOGGER = "ray._private.authentication.authentication_token_setup"


class RayMissing(RuntimeError):
    """Ray Data or pyarrow is not installed."""


def require_ray():
    """The ``ray`` module, with ``ray.data`` loaded; RayMissing with the install command."""
    try:
        import pyarrow  # noqa: F401
        import ray
        import ray.data  # noqa: F401
    except ImportError as e:
        raise RayMissing(f"corpus runs need Ray Data ({e.name} is not installed): "
                         f"{INSTALL_HINT}") from None
    return ray


def init_ray(address: str | None = None, num_cpus: int | None = None):
    """Connect to ``address`` (``ray://…``, ``auto``), or start Ray in this process.

    Local starts are sized to the machine and kept quiet and quick (no dashboard, worker
    logs not echoed) because the user asked for a translation, not a cluster.
    """
    ray = require_ray()
    logging.getLogger(AUTH_NOTICE_LOGGER).setLevel(logging.ERROR)
    if not ray.is_initialized():
        options = dict(ignore_reinit_error=True, include_dashboard=False,
                       log_to_driver=False, logging_level=logging.WARNING,
                       configure_logging=True)
        if address in (None, "", LOCAL):
            ray.init(num_cpus=num_cpus or os.cpu_count() or 1, **options)
        else:
            ray.init(address=address, **options)
    quiet_data()
    return ray


def quiet_data() -> None:
    """The toolkit draws its own progress bar (segments, seg/s); Ray's would fight it."""
    import ray.data

    ctx = ray.data.DataContext.get_current()
    ctx.enable_progress_bars = False
    ctx.print_on_execution_start = False
    ctx.enable_auto_log_stats = False
    logging.getLogger("ray.data").setLevel(logging.ERROR)   # "progress bars disabled" etc.


def cluster_slots(device: str, threads: int, gpus_per_worker: float) -> int:
    """How many workers fit the cluster: one per GPU share on CUDA, else per ``threads`` CPUs."""
    import ray

    resources = ray.cluster_resources()
    if device == "cuda":
        return max(1, int(resources.get("GPU", 0) // gpus_per_worker))
    return max(1, int(resources.get("CPU", 1) // max(threads, 1)))
