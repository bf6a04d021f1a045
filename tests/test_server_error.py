"""When something breaks: a page that needs no database, and 503 with Retry-After while the
database is restarting (tests/faults/test_postgres.py sees it from outside)."""

import pytest
from django.test import Client

pytestmark = [pytest.mark.urls("tests.server_error_urls"), pytest.mark.django_db]


@pytest.fixture
def visitor() -> Client:
    return Client(raise_request_exception=False)


def test_a_database_that_does_not_answer_is_a_503_to_try_again(visitor):
    # when
    response = visitor.get("/broken/database/")
    # then
    assert (response.status_code, response["Retry-After"]) == (503, "30")
    assert "Nothing you sent before was lost" in response.content.decode()


def test_the_api_gets_json_it_can_read(visitor):
    # when
    response = visitor.get("/api/v1/broken/database/")
    # then
    assert response.status_code == 503
    assert response.json()["code"] == "temporarily_unavailable"


def test_a_bug_is_a_plain_500_page_in_the_visitors_language(visitor):
    # when
    response = visitor.get("/broken/bug/", HTTP_ACCEPT_LANGUAGE="de")
    # then
    assert response.status_code == 500
    assert response.has_header("Retry-After") is False
    assert 'lang="de"' in response.content.decode()
