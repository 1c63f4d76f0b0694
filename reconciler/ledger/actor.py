"""Who is acting: the user, the host, the CI run and the Git commit of the manifests.

Collected once per ledger and stamped on every record, so an auditor can tie a change to a person
or a pipeline run. Reading the environment and asking `git` are the only I/O here; both are allowed
to fail (no git, not a repository, a user without a name) and then leave the field out.
"""

from __future__ import annotations

import getpass
import socket
import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import Final

CI_VARIABLES: Final = (
    "GITHUB_ACTOR",
    "GITHUB_REPOSITORY",
    "GITHUB_WORKFLOW",
    "GITHUB_RUN_ID",
    "GITHUB_RUN_ATTEMPT",
    "GITHUB_SHA",
    "GITHUB_REF",
    "GITLAB_USER_LOGIN",
    "CI_PROJECT_PATH",
    "CI_PIPELINE_ID",
    "CI_JOB_ID",
    "CI_COMMIT_SHA",
    "BUILD_BUILDID",
    "BUILD_REQUESTEDFOR",
)
"""CI variables worth keeping: GitHub Actions, GitLab CI and Azure Pipelines name the run and
commit this way. Only these are read, so no token from the environment can reach the ledger."""

_GIT_TIMEOUT_S: Final = 5.0


def collect_actor(manifest_dir: Path | None, environ: Mapping[str, str]) -> dict[str, str]:
    """The actor fields for this process; empty values are left out."""
    actor = {"user": _user(environ), "host": _host()}
    actor.update({name: environ[name] for name in CI_VARIABLES if environ.get(name)})
    commit = git_commit(manifest_dir) if manifest_dir is not None else None
    if commit:
        actor["git_commit"] = commit
    return {key: value for key, value in actor.items() if value}


def git_commit(folder: Path) -> str | None:
    """`git rev-parse HEAD` in `folder`, or None without git or outside a repository."""
    try:
        done = subprocess.run(  # noqa: S603 - fixed argv, no shell
            ["git", "-C", str(folder), "rev-parse", "HEAD"],  # noqa: S607 - git from PATH
            capture_output=True,
            text=True,
            timeout=_GIT_TIMEOUT_S,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    commit = done.stdout.strip()
    return commit if done.returncode == 0 and len(commit) >= 40 else None


def _user(environ: Mapping[str, str]) -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return environ.get("USER", "") or environ.get("USERNAME", "")


def _host() -> str:
    try:
        return socket.gethostname()
    except OSError:
        return ""
