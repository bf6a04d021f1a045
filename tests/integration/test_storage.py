"""Media storage through Django's storage API: a local folder embedded, an S3 server in CI."""

import pytest
import requests
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage


def test_storage_round_trip_saves_reads_and_deletes(list_storage_keys):
    # given
    name = default_storage.save("harness/round-trip/hello.txt", ContentFile(b"hello, storage"))
    # when
    with default_storage.open(name, "rb") as stored:
        content = stored.read()
    keys_while_stored = list_storage_keys("harness")
    default_storage.delete(name)
    # then
    assert content == b"hello, storage"
    assert keys_while_stored == [name]
    assert list_storage_keys("harness") == []
    assert default_storage.exists(name) is False


def test_storage_keys_lists_nested_files_under_a_folder_only(list_storage_keys):
    # given
    default_storage.save("harness/kept/a.txt", ContentFile(b"a"))
    default_storage.save("harness/kept/deeper/b.txt", ContentFile(b"b"))
    # when
    missing = list_storage_keys("harness/missing")
    kept = list_storage_keys("harness/kept/")
    # then
    assert missing == []
    assert kept == ["harness/kept/a.txt", "harness/kept/deeper/b.txt"]


def test_each_test_starts_with_empty_storage(list_storage_keys):
    # then: files saved by the tests before this one are gone
    assert list_storage_keys() == []


def test_saved_object_is_private_on_s3(s3_client, s3_bucket, settings):
    # given
    name = default_storage.save("harness/private.txt", ContentFile(b"only with a signature"))
    endpoint = settings.STORAGES["default"]["OPTIONS"]["endpoint_url"].rstrip("/")
    # when
    anonymous = requests.get(f"{endpoint}/{s3_bucket}/{name}", timeout=10)
    signed = requests.get(default_storage.url(name), timeout=10)
    # then
    assert anonymous.status_code == 403
    assert signed.status_code == 200
    assert signed.content == b"only with a signature"


def test_s3_client_sees_what_the_storage_saved(s3_client, s3_bucket):
    # given
    name = default_storage.save("harness/listed.txt", ContentFile(b"1234"))
    # when
    listing = s3_client.list_objects_v2(Bucket=s3_bucket, Prefix="harness/")
    # then
    assert [(item["Key"], item["Size"]) for item in listing["Contents"]] == [(name, 4)]


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_worker_environment_reads_what_the_test_stored(celery_worker_process):
    # given
    name = default_storage.save("harness/for-the-worker.txt", ContentFile(b"shared media"))
    # when
    completed = celery_worker_process.manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.core.files.storage import default_storage; "
        f"print(default_storage.open({name!r}).read().decode())",
    )
    # then
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.splitlines() == ["shared media"]


def test_configure_storage_lets_the_site_origin_upload_parts_and_read_etags(
    s3_client, s3_bucket, settings
):
    from django.core.management import call_command

    # given
    settings.SITE_URL = "https://videoawards.example"
    settings.CSRF_TRUSTED_ORIGINS = ["https://www.videoawards.example"]
    # when
    call_command("configure_storage", "--origin", "http://127.0.0.1:8000")
    # then: the rule names our origins, and a browser's preflight for a part PUT passes
    (rule,) = s3_client.get_bucket_cors(Bucket=s3_bucket)["CORSRules"]
    assert sorted(rule["AllowedOrigins"]) == [
        "http://127.0.0.1:8000",
        "https://videoawards.example",
        "https://www.videoawards.example",
    ]
    assert "ETag" in rule["ExposeHeaders"]
    url = default_storage.url("harness/anything.bin")
    preflight = requests.options(
        url,
        headers={
            "Origin": "https://videoawards.example",
            "Access-Control-Request-Method": "PUT",
        },
        timeout=10,
    )
    assert preflight.status_code == 200
    assert preflight.headers["Access-Control-Allow-Origin"] == "https://videoawards.example"
    assert "ETag" in preflight.headers["Access-Control-Expose-Headers"]


def test_configure_storage_refuses_what_is_not_an_origin(settings):
    from django.core.management import CommandError, call_command

    if settings.STORAGE_BACKEND != "s3":
        pytest.skip("needs STORAGE_BACKEND=s3")
    with pytest.raises(CommandError, match="not an origin"):
        call_command("configure_storage", "--origin", "https://videoawards.example/path")
