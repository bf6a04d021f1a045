"""The production configuration: Django's deploy checks and the docker-compose stack."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
ENV_EXAMPLE = (ROOT / ".env.example").read_text()
LONG_RUNNING = {"postgres", "redis", "minio", "web", "worker-transcode", "worker-default", "beat"}
APP_SERVICES = {"web", "worker-transcode", "worker-default", "beat"}


def _production_env(tmp_path: Path) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "CACHE_", "CELERY_", "STORAGE_", "S3_"))
    }
    env.update(
        {
            "DJANGO_DEBUG": "false",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
            "DJANGO_ALLOWED_HOSTS": "videoawards.example",
            # Nothing connects during checks; these only have to look like production.
            "CACHE_URL": "redis://127.0.0.1:6379/1",
            "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
            "VIDEOAWARDS_VAR_DIR": str(tmp_path / "var"),
        }
    )
    return env


def _check_deploy(env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _env_example_names() -> set[str]:
    return {
        line.split("=", 1)[0].strip()
        for line in ENV_EXAMPLE.splitlines()
        if "=" in line and not line.lstrip().startswith("#")
    }


def test_check_deploy_finds_no_issue_under_production_settings(tmp_path):
    # when
    result = _check_deploy(_production_env(tmp_path))
    # then
    assert result.returncode == 0, result.stderr + result.stdout
    assert result.stdout.strip() == "System check identified no issues (0 silenced)."


def _production_python(env: dict[str, str], code: str) -> str:
    """Run `code` in `manage.py shell` under `env`; returns what it printed."""
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_production_turns_on_hsts_https_only_cookies_and_the_security_headers(tmp_path):
    # when
    printed = _production_python(
        _production_env(tmp_path),
        "from django.conf import settings as s; print(s.SECURE_HSTS_SECONDS,"
        " s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE,"
        " s.CSRF_COOKIE_SECURE, s.X_FRAME_OPTIONS, s.SECURE_CONTENT_TYPE_NOSNIFF,"
        " 'videoawards.security.SecurityHeadersMiddleware' in s.MIDDLEWARE)",
    )
    # then
    assert printed.split() == ["31536000", "True", "True", "True", "True", "DENY", "True", "True"]


def test_production_policy_lets_browsers_reach_the_object_storage(tmp_path):
    # given: the storage of .env.example, on a public name
    env = _production_env(tmp_path)
    env.update(
        {
            "STORAGE_BACKEND": "s3",
            "S3_ENDPOINT_URL": "https://media.videoawards.example",
            "S3_ACCESS_KEY_ID": "videoawards-app",
            "S3_SECRET_ACCESS_KEY": secrets.token_urlsafe(16),
        }
    )
    # when
    policy = _production_python(
        env, "from videoawards.security import content_security_policy as p; print(p())"
    )
    # then
    directives = {name: sources for name, *sources in (d.split() for d in policy.split(";"))}
    origin = "https://media.videoawards.example"
    assert directives["script-src"] == ["'self'"]
    assert directives["media-src"] == ["'self'", "blob:", origin]
    assert directives["img-src"] == ["'self'", "data:", origin]
    assert directives["connect-src"] == ["'self'", origin]


def test_compose_runs_the_whole_production_stack():
    # then
    assert "version" not in COMPOSE
    assert set(COMPOSE["services"]) == LONG_RUNNING | {"createbuckets", "migrate"}


def test_compose_file_is_valid_against_the_compose_specification():
    # when: the compose-spec JSON schema vendored by check-jsonschema (no Docker engine here)
    result = subprocess.run(
        [
            Path(sys.executable).with_name("check-jsonschema"),
            "--builtin-schema",
            "vendor.compose-spec",
            ROOT / "docker-compose.yml",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    # then
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_long_running_service_has_a_healthcheck():
    # then
    missing = sorted(
        name
        for name in LONG_RUNNING
        if "test" not in COMPOSE["services"][name].get("healthcheck", {})
    )
    assert missing == []


def test_app_services_wait_for_healthy_backends_and_finished_setup_jobs():
    # then
    for name in APP_SERVICES:
        depends_on = COMPOSE["services"][name]["depends_on"]
        conditions = {service: rule["condition"] for service, rule in depends_on.items()}
        assert conditions == {
            "postgres": "service_healthy",
            "redis": "service_healthy",
            "createbuckets": "service_completed_successfully",
            "migrate": "service_completed_successfully",
        }, name


def test_workers_take_their_queues_and_web_runs_gunicorn():
    # given
    services = COMPOSE["services"]
    # then
    assert services["worker-transcode"]["command"][-6:] == [
        "-Q", "transcode", "--concurrency", "2", "--prefetch-multiplier", "1",
    ]  # fmt: skip
    assert services["worker-default"]["command"][-2:] == ["-Q", "default"]
    assert services["beat"]["command"][3] == "beat"
    assert services["web"]["command"][0] == "gunicorn"


def test_app_services_read_the_env_file_and_every_setting_is_in_the_example():
    # given
    settings_source = (ROOT / "videoawards" / "settings.py").read_text()
    production = {
        "DJANGO_DEBUG",
        "DJANGO_SECRET_KEY",
        "DJANGO_ALLOWED_HOSTS",
        "DATABASE_URL",
        "CELERY_BROKER_URL",
        "CACHE_URL",
        "STORAGE_BACKEND",
        "S3_BUCKET",
        "S3_ENDPOINT_URL",
        "S3_ACCESS_KEY_ID",
        "S3_SECRET_ACCESS_KEY",
        "EMAIL_URL",
    }
    # then
    assert [COMPOSE["services"][name]["env_file"] for name in sorted(APP_SERVICES)] == [
        [".env"]
    ] * len(APP_SERVICES)
    assert production - _env_example_names() == set()
    assert {name for name in production if f'"{name}"' not in settings_source} == set()


def test_env_example_passes_the_deploy_checks(tmp_path):
    # given
    env = _production_env(tmp_path)
    for line in ENV_EXAMPLE.splitlines():
        if "=" in line and not line.lstrip().startswith("#"):
            name, value = line.split("=", 1)
            env[name.strip()] = value.strip()
    env["DJANGO_SECRET_KEY"] = secrets.token_urlsafe(64)
    # when
    result = _check_deploy(env)
    # then
    assert result.returncode == 0, result.stderr + result.stdout


def test_readme_documents_every_environment_variable_the_settings_read():
    # given
    settings_source = (ROOT / "videoawards" / "settings.py").read_text()
    readme = (ROOT / "README.md").read_text()
    read_by_settings = set(re.findall(r'env(?:\.\w+)?\(\s*"([A-Z][A-Z0-9_]+)"', settings_source))
    # then
    assert read_by_settings, "found no env(...) call in settings.py"
    assert sorted(name for name in read_by_settings if f"`{name}`" not in readme) == []


def test_readme_starts_with_the_two_commands():
    # given
    readme = (ROOT / "README.md").read_text()
    # when
    first_block = readme.split("```", 2)[1]
    # then
    assert first_block.strip().splitlines() == [
        "python3 scripts/dev.py run",
        "python3 scripts/dev.py test",
    ]
