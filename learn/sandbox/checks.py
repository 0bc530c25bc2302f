from __future__ import annotations

from django.core import checks


@checks.register()
def check_aws_layer(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    from .environments import AWS_LAYER, aws_layer

    if aws_layer() is not None:
        return []
    return [
        checks.Warning(
            f"boto3 and moto are not installed for the sandbox ({AWS_LAYER}): `import boto3` fails in learners' "
            "handlers, and the exercises with AWS side effects cannot pass.",
            hint="Run `make install` (it builds .venv/sandbox-layer from pyproject.toml's sandbox-layer pins), or "
            "point SANDBOX_AWS_LAYER at such a folder.",
            id="sandbox.W005",
        )
    ]


@checks.register()
def check_isolation(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    from . import remote
    from .runner import mode

    kind, why = mode()
    if kind == "bwrap":
        from . import memcg

        cgroups, reason = memcg.available()
        if not cgroups:
            return [
                checks.Warning(
                    f"The sandbox enforces the memory size by sampling, not a memory cgroup: {reason}.",
                    hint="Run as root on a machine with the cgroup v1 memory controller (or unset "
                    "SANDBOX_CGROUPS=0) for an exact limit; the 1 GB address-space cap and the "
                    "seccomp filter still bound every environment.",
                    id="sandbox.W004",
                )
            ]
        return []
    if kind == "remote":
        return []
    if remote.enabled():
        return [
            checks.Warning(
                f"Sandbox runs go to workers through Redis, but {why}.",
                hint="Start `manage.py sandbox_worker` on a machine with bubblewrap; runs are "
                "refused with a message until one is up.",
                id="sandbox.W003",
            )
        ]
    if kind == "unsafe":
        return [
            checks.Warning(
                f"The handler sandbox runs WITHOUT isolation (limits-only fallback): {why}.",
                hint="Learner code can read files and reach the network. Only for a developer "
                "machine; install bubblewrap and python3-seccomp for real isolation.",
                id="sandbox.W002",
            )
        ]
    return [
        checks.Warning(
            f"The handler sandbox cannot run: {why}. Sandbox pages will refuse to run code.",
            hint="apt-get install bubblewrap python3-seccomp, and allow unprivileged user namespaces.",
            id="sandbox.W001",
        )
    ]
