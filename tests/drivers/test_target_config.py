"""Target resolution: --sandbox, --target URL, named targets in gcbctl.yaml, the seed's env vars."""

from __future__ import annotations

from pathlib import Path

import pytest

from reconciler.drivers.config import TargetOptions, normalize_url, resolve_target
from reconciler.errors import UsageError

SEED_ENV = {
    "GENESYS_HOSTNAME": "acme.example.com",
    "GENESYS_CLIENT_ID": "cid",
    "GENESYS_CLIENT_SECRET": "csecret",
}


def test_sandbox_flag_wins() -> None:
    """--sandbox selects the embedded sandbox whatever else is set, keeping the state file."""
    target = resolve_target(TargetOptions(sandbox=True, sandbox_state="s.json"), SEED_ENV)
    assert target.sandbox
    assert target.sandbox_state == "s.json"


def test_seed_environment_variables() -> None:
    """GENESYS_HOSTNAME + client id/secret give an https target, as in the product document."""
    target = resolve_target(TargetOptions(), SEED_ENV)
    assert target.url == "https://acme.example.com"
    assert target.credentials is not None
    assert target.credentials.client_id == "cid"
    assert "csecret" not in repr(target)


def test_target_url_takes_credentials_from_env() -> None:
    """--target URL overrides the hostname and still needs the client from the environment."""
    target = resolve_target(TargetOptions(target="http://127.0.0.1:8080"), SEED_ENV)
    assert target.url == "http://127.0.0.1:8080"
    with pytest.raises(UsageError) as raised:
        resolve_target(TargetOptions(target="http://127.0.0.1:8080"), {})
    assert "GENESYS_CLIENT_ID" in (raised.value.hint or "")


def test_loopback_hosts_default_to_http() -> None:
    """A bare loopback host gets http, any other host https."""
    assert normalize_url("127.0.0.1:9000") == "http://127.0.0.1:9000"
    assert normalize_url("localhost:9000/") == "http://localhost:9000"
    assert normalize_url("api.example.com") == "https://api.example.com"


def test_named_target_from_config_file(tmp_path: Path) -> None:
    """A named target reads url, clientId and a secret reference from gcbctl.yaml."""
    secret_file = tmp_path / "secret"
    secret_file.write_text("from-file\n")
    config = tmp_path / "gcbctl.yaml"
    config.write_text(
        "default: prod\n"
        "targets:\n"
        "  prod: {url: api.example.com, clientId: p, clientSecret: {fromEnv: PROD_SECRET}}\n"
        "  stage: {url: https://s.example.com, clientId: s,"
        f" clientSecret: {{fromFile: {secret_file}}}}}\n"
        "  local: {sandbox: true, sandboxState: world.json}\n"
    )
    env = {"PROD_SECRET": "from-env"}
    prod = resolve_target(TargetOptions(config=str(config)), env)
    assert prod.url == "https://api.example.com"
    assert prod.credentials is not None
    assert prod.credentials.client_secret == "from-env"
    stage = resolve_target(TargetOptions(target="stage", config=str(config)), env)
    assert stage.credentials is not None
    assert stage.credentials.client_secret == "from-file"
    local = resolve_target(TargetOptions(target="local", config=str(config)), env)
    assert local.sandbox
    assert local.sandbox_state == "world.json"


def test_literal_secrets_in_config_are_refused(tmp_path: Path) -> None:
    """gcbctl.yaml may only reference a client secret, never hold it."""
    config = tmp_path / "gcbctl.yaml"
    config.write_text(
        "targets:\n  prod: {url: a.example.com, clientId: p, clientSecret: hunter2}\n"
    )
    with pytest.raises(UsageError):
        resolve_target(TargetOptions(target="prod", config=str(config)), {})


def test_unknown_named_target_lists_known_ones(tmp_path: Path) -> None:
    """Naming a target the config lacks is a usage error that lists the known targets."""
    config = tmp_path / "gcbctl.yaml"
    config.write_text("targets:\n  local: {sandbox: true}\n")
    with pytest.raises(UsageError) as raised:
        resolve_target(TargetOptions(target="prod", config=str(config)), {})
    assert "local" in (raised.value.hint or "")


def test_nothing_configured_is_a_usage_error_with_a_hint() -> None:
    """Without any target the error says every way to name one."""
    with pytest.raises(UsageError) as raised:
        resolve_target(TargetOptions(), {})
    assert raised.value.exit_code == 64
    assert "--sandbox" in (raised.value.hint or "")


def test_ipv6_loopback_and_paths_are_kept() -> None:
    """[::1] with a port is loopback; a path after the host is kept as the base path."""
    assert normalize_url("[::1]:8080") == "http://[::1]:8080"
    assert normalize_url("api.example.com/genesys/") == "https://api.example.com/genesys"
