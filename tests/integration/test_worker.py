"""The harness's Celery worker is a real process on the configured broker and test database."""

import signal

import pytest
from django.db import connection

from tests.factories import UserFactory
from videoawards.celery import app, ping

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_worker_answers_remote_control_ping_over_the_broker(celery_worker_process):
    # given
    worker = celery_worker_process
    # when
    replies = app.control.ping(destination=[worker.hostname], timeout=5)
    # then
    assert replies == [{worker.hostname: {"ok": "pong"}}]


def test_worker_consumes_a_task_sent_through_the_broker(celery_worker_process):
    # when
    result = ping.delay()
    # then
    logs = celery_worker_process.wait_for_log(f"Task videoawards.ping[{result.id}] succeeded")
    assert f"Task videoawards.ping[{result.id}] received" in logs


def test_worker_environment_sees_rows_the_test_committed(celery_worker_process):
    # given
    user = UserFactory(display_name="Seen By The Worker")
    # when
    completed = celery_worker_process.manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.db import connection; from videoawards.accounts.models import User; "
        "print(connection.settings_dict['NAME']); "
        f"print(User.objects.get(pk={user.pk}).display_name)",
    )
    # then
    assert completed.returncode == 0, completed.stderr
    test_database = str(connection.settings_dict["NAME"])
    assert completed.stdout.splitlines() == [test_database, user.display_name]


def test_killed_worker_is_started_again_for_the_next_use(celery_worker_process):
    # given
    worker = celery_worker_process
    old_pid = worker.pid
    # when
    worker.kill(signal.SIGKILL)
    exit_code = worker.wait()
    worker.restart()
    # then
    assert exit_code == -signal.SIGKILL
    assert worker.pid != old_pid
    assert len(app.control.ping(destination=[worker.hostname], timeout=5)) == 1
