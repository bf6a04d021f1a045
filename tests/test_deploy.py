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
ENVS = ROOT / ".envs"
ENV_EXAMPLE = (ENVS / ".django.example").read_text()
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
            "DATABASE_URL": "postgres://videoawards@127.0.0.1:5432/videoawards",
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


def _env_file(text: str) -> dict[str, str]:
    return {
        name.strip(): value.strip()
        for name, value in (
            line.split("=", 1)
            for line in text.splitlines()
            if "=" in line and not line.lstrip().startswith("#")
        )
    }


def _env_example_names() -> set[str]:
    return set(_env_file(ENV_EXAMPLE))


def _clean_env(tmp_path: Path) -> dict[str, str]:
    """This process's environment without any setting the app reads: the embedded default."""
    keep = {"PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "SYSTEMROOT"}
    env = {key: value for key, value in os.environ.items() if key in keep}
    env["VIDEOAWARDS_VAR_DIR"] = str(tmp_path / "var")
    return env


def test_check_deploy_finds_no_issue_under_production_settings(tmp_path):
    # when
    result = _check_deploy(_production_env(tmp_path))
    # then: only the two HSTS opt-ins the operator has not made are silenced
    assert result.returncode == 0, result.stderr + result.stdout
    assert result.stdout.strip() == "System check identified no issues (2 silenced)."


def test_check_deploy_silences_nothing_once_the_operator_opts_in_to_hsts_subdomains(tmp_path):
    # given
    env = _production_env(tmp_path)
    env.update(
        {
            "DJANGO_SECURE_HSTS_SECONDS": "31536000",
            "DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS": "true",
            "DJANGO_SECURE_HSTS_PRELOAD": "true",
        }
    )
    # when
    result = _check_deploy(env)
    # then
    assert result.returncode == 0, result.stderr + result.stdout
    assert result.stdout.strip() == "System check identified no issues (0 silenced)."


def test_check_deploy_warns_when_production_is_not_https_only(tmp_path):
    # given
    env = {**_production_env(tmp_path), "VIDEOAWARDS_HTTPS": "false"}
    # when
    result = _check_deploy(env)
    # then
    assert result.returncode != 0
    assert {"security.W004", "security.W008", "security.W012", "security.W016"} <= set(
        re.findall(r"security\.W\d+", result.stderr + result.stdout)
    )


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
    assert printed.split() == ["60", "False", "True", "True", "True", "DENY", "True", "True"]


def _settings_of(env: dict[str, str], *names: str) -> list[str]:
    """The named settings, imported in a fresh interpreter under `env` (no manage.py)."""
    code = (
        "import os; os.environ['DJANGO_SETTINGS_MODULE'] = 'videoawards.settings'\n"
        "from django.conf import settings\n"
        f"print(*(repr(getattr(settings, name)) for name in {names!r}), sep='\\n')"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


def test_with_no_variable_set_debug_is_off_and_the_site_speaks_plain_http(tmp_path):
    # when
    printed = _settings_of(
        _clean_env(tmp_path), "DEBUG", "VIDEOAWARDS_HTTPS", "SECURE_SSL_REDIRECT",
        "SESSION_COOKIE_SECURE", "WHITENOISE_USE_FINDERS",
    )  # fmt: skip
    # then
    assert printed == ["False", "False", "False", "False", "True"]


def test_the_embedded_default_makes_its_secret_key_once_and_keeps_it_private(tmp_path):
    # given
    env = _clean_env(tmp_path)
    key_file = tmp_path / "var" / "secret_key"
    # when
    first = _settings_of(env, "SECRET_KEY")
    second = _settings_of(env, "SECRET_KEY")
    # then
    assert first == second == [repr(key_file.read_text().strip())]
    assert len(key_file.read_text().strip()) >= 50
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert "insecure" not in first[0]


def test_another_machine_gets_another_secret_key(tmp_path):
    # when
    one = _settings_of(_clean_env(tmp_path / "one"), "SECRET_KEY")
    other = _settings_of(_clean_env(tmp_path / "other"), "SECRET_KEY")
    # then
    assert one != other


def test_production_without_a_secret_key_is_refused(tmp_path):
    # given: a database server, debug off, no DJANGO_SECRET_KEY
    env = _clean_env(tmp_path)
    env["DATABASE_URL"] = "postgres://videoawards@127.0.0.1:5432/videoawards"
    # when
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    # then
    assert result.returncode != 0
    assert "ImproperlyConfigured: Set DJANGO_SECRET_KEY" in result.stderr
    assert not (tmp_path / "var" / "secret_key").exists()


def test_a_database_server_with_debug_on_is_a_developers_machine(tmp_path):
    # given: what .ci/run's services stage and a developer against PostgreSQL set
    env = _clean_env(tmp_path)
    env.update({"DATABASE_URL": "postgres://postgres@127.0.0.1:5432/test", "DJANGO_DEBUG": "true"})
    # when
    printed = _settings_of(env, "DEBUG", "VIDEOAWARDS_HTTPS")
    # then
    assert printed == ["True", "False"]
    assert (tmp_path / "var" / "secret_key").is_file()


def test_production_settings_turn_on_https_only_without_being_asked(tmp_path):
    # given: a database server and a key, nothing about HTTPS
    env = _clean_env(tmp_path)
    env.update(
        {
            "DATABASE_URL": "postgres://videoawards@127.0.0.1:5432/videoawards",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
        }
    )
    # when
    printed = _settings_of(
        env, "DEBUG", "VIDEOAWARDS_HTTPS", "SECURE_SSL_REDIRECT", "SECURE_PROXY_SSL_HEADER",
        "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD",
        "WHITENOISE_USE_FINDERS",
    )  # fmt: skip
    # then
    assert printed == [
        "False", "True", "True", "('HTTP_X_FORWARDED_PROTO', 'https')", "60", "False", "False",
        "False",
    ]  # fmt: skip
    assert _settings_of(env, "STORAGES")[0].count("CompressedManifestStaticFilesStorage") == 1


def test_sentry_reports_errors_from_django_and_celery_without_personal_data(tmp_path):
    # given: a DSN on loopback (nothing is sent: no error happens)
    env = {**_production_env(tmp_path), "SENTRY_DSN": "http://public@127.0.0.1:9/1"}
    # when
    printed = _production_python(
        env,
        "import sentry_sdk; client = sentry_sdk.get_client(); o = client.options;"
        " print(client.is_active(), o['send_default_pii'], o['max_request_body_size'],"
        " o['include_local_variables'], 'django' in client.integrations,"
        " 'celery' in client.integrations)",
    )
    # then
    assert printed.split() == ["True", "False", "never", "False", "True", "True"]


def test_without_a_dsn_sentry_stays_off(tmp_path):
    # when
    printed = _production_python(
        _production_env(tmp_path), "import sentry_sdk; print(sentry_sdk.get_client().is_active())"
    )
    # then
    assert printed.split() == ["False"]


def test_default_queue_tasks_have_a_time_limit_and_transcodes_their_own(tmp_path):
    # when
    printed = _production_python(
        _production_env(tmp_path),
        "from videoawards.celery import app; from videoawards.privacy.tasks import"
        " erase_stored_media as e; print(app.conf.task_soft_time_limit,"
        " app.conf.task_time_limit, e.soft_time_limit, e.time_limit)",
    )
    # then
    assert printed.split() == ["300", "360", "1800", "1860"]


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
        [".envs/.django"]
    ] * len(APP_SERVICES)
    assert production - _env_example_names() == set()
    assert {name for name in production if f'"{name}"' not in settings_source} == set()


def test_env_example_passes_the_deploy_checks(tmp_path):
    # given: the example's values alone (and a real key), none of _production_env's
    env = {**_clean_env(tmp_path), **_env_file(ENV_EXAMPLE)}
    env["DJANGO_SECRET_KEY"] = secrets.token_urlsafe(64)
    # when
    result = _check_deploy(env)
    # then
    assert result.returncode == 0, result.stderr + result.stdout
    assert result.stdout.strip() == "System check identified no issues (2 silenced)."


def test_each_service_reads_its_own_env_file_and_apps_get_no_root_password():
    # given
    services = COMPOSE["services"]
    django = _env_file(ENV_EXAMPLE)
    postgres = _env_file((ENVS / ".postgres.example").read_text())
    minio = _env_file((ENVS / ".minio.example").read_text())
    # then
    assert services["postgres"]["env_file"] == [".envs/.postgres"]
    assert services["minio"]["env_file"] == [".envs/.minio"]
    assert services["createbuckets"]["env_file"] == [".envs/.minio"]
    assert services["migrate"]["env_file"] == [".envs/.django"]
    for name, service in services.items():
        # No secret travels through compose's own variables (and so through every container).
        assert "environment" not in service, name
    assert {"POSTGRES_PASSWORD", "MINIO_ROOT_PASSWORD", "MINIO_ROOT_USER"} & set(django) == set()
    assert {"POSTGRES_PASSWORD", "VIDEOAWARDS_DB_PASSWORD"} <= set(postgres)
    assert {"MINIO_ROOT_PASSWORD", "S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY"} <= set(minio)
    # The app connects as its own role (the init script's), not as the superuser.
    assert postgres["POSTGRES_USER"] != postgres["VIDEOAWARDS_DB_USER"]
    assert django["DATABASE_URL"].startswith(f"postgres://{postgres['VIDEOAWARDS_DB_USER']}:")
    assert django["S3_ACCESS_KEY_ID"] == minio["S3_ACCESS_KEY_ID"] != minio["MINIO_ROOT_USER"]


def test_the_real_env_files_stay_out_of_git_and_out_of_the_image():
    # given
    ignored = subprocess.run(
        ["git", "check-ignore", ".envs/.django", ".envs/.postgres", ".envs/.minio"],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    examples = subprocess.run(
        ["git", "check-ignore", ".envs/.django.example"],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    dockerignore = (ROOT / ".dockerignore").read_text().splitlines()
    # then
    assert ignored.stdout.split() == [".envs/.django", ".envs/.postgres", ".envs/.minio"]
    assert examples.stdout == ""
    assert ".envs/" in dockerignore


def test_nothing_is_published_beyond_loopback():
    # given
    published = [
        (name, str(port))
        for name, service in COMPOSE["services"].items()
        for port in service.get("ports", [])
    ]
    # then
    assert sorted(published) == [
        ("minio", "127.0.0.1:9000:9000"),
        ("minio", "127.0.0.1:9001:9001"),
        ("web", "127.0.0.1:8000:8000"),
    ]


def test_every_image_is_pinned_to_a_release():
    # given
    images = {name: service.get("image") for name, service in COMPOSE["services"].items()}
    dockerfile = (ROOT / "Dockerfile").read_text()
    # then
    assert images["postgres"].startswith("postgres:16.")
    assert images["redis"].startswith("redis:7.")
    assert re.fullmatch(r"minio/minio:RELEASE\.\d{4}-\d\d-\d\dT[\d-]+Z", images["minio"])
    assert re.fullmatch(r"minio/mc:RELEASE\.\d{4}-\d\d-\d\dT[\d-]+Z", images["createbuckets"])
    for image in ("postgres", "redis"):
        assert re.fullmatch(r"[a-z]+:\d+\.\d+(\.\d+)?(-[a-z]+)?", images[image]), images[image]
    assert re.search(r"^ARG PYTHON_IMAGE=python:3\.11\.\d+-slim-\w+$", dockerfile, re.M)
    assert re.findall(r"^FROM (\S+)", dockerfile, re.M) == ["${PYTHON_IMAGE}"] * 2


def test_workers_shut_down_warm_and_the_transcode_pool_has_limits():
    # given
    services = COMPOSE["services"]
    transcode = services["worker-transcode"]
    # then
    for name in APP_SERVICES | {"migrate"}:
        assert services[name]["init"] is True, name
    for name in ("worker-transcode", "worker-default", "beat", "web"):
        # Exec form: SIGTERM reaches celery or gunicorn itself, not a shell in between.
        assert isinstance(services[name]["command"], list), name
        assert services[name]["command"][0] in {"celery", "gunicorn"}, name
        assert services[name].get("stop_signal", "SIGTERM") == "SIGTERM", name
    assert transcode["stop_grace_period"] == "10m"
    assert services["worker-default"]["stop_grace_period"] == "7m"
    assert transcode["deploy"]["resources"]["limits"] == {"cpus": "2", "memory": "10g"}


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
