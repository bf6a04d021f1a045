"""200 simultaneous vote requests by one account against PostgreSQL: the constraints hold.

A live server answers on a fixed pool of threads (like gunicorn's workers x threads, and
within PostgreSQL's connection limit); 200 client threads are released at once by a
barrier, each on its own connection with the account's API token.
"""

from __future__ import annotations

import http.client
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.servers.basehttp import WSGIServer
from django.db import connection, connections
from django.test.testcases import LiveServerThread, _StaticFilesHandler
from rest_framework.authtoken.models import Token

from tests.factories import ParticipantFactory
from tests.voting.factories import VotePolicyFactory
from voting.models import Ballot, Vote, VotePolicy

REQUESTS = 200
SERVER_THREADS = 24

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL=postgres://...)")


class PooledWSGIServer(WSGIServer):
    """Handles requests on a fixed pool of threads; the rest wait in the listen backlog."""

    request_queue_size = 512

    def __init__(self, *args, connections_override=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.pool = ThreadPoolExecutor(SERVER_THREADS)

    def process_request(self, request, client_address):
        self.pool.submit(self._handle, request, client_address)

    def _handle(self, request, client_address):
        try:
            self.finish_request(request, client_address)
        except Exception:
            self.handle_error(request, client_address)
        finally:
            self.shutdown_request(request)
            connections.close_all()

    def server_close(self):
        super().server_close()
        self.pool.shutdown(wait=True)


class PooledLiveServerThread(LiveServerThread):
    server_class = PooledWSGIServer


@pytest.fixture
def server(settings):
    settings.VOTING_RATE_PER_ACCOUNT = "100000/m"
    settings.VOTING_RATE_PER_ADDRESS = "100000/m"
    thread = PooledLiveServerThread("127.0.0.1", _StaticFilesHandler)
    thread.daemon = True
    thread.start()
    thread.is_ready.wait()
    if thread.error:
        raise thread.error
    yield thread
    thread.terminate()


def fire_together(*, port: int, token: str, paths: list[str]) -> list[int]:
    """POSTs every path at the same moment, each from its own thread and connection."""
    barrier = threading.Barrier(len(paths))
    statuses: list[int] = [0] * len(paths)

    def post(index: int, path: str) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        barrier.wait()
        conn.request("POST", path, headers={"Authorization": f"Token {token}"})
        statuses[index] = conn.getresponse().status
        conn.close()

    threads = [threading.Thread(target=post, args=(i, p)) for i, p in enumerate(paths)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return statuses


def test_200_simultaneous_votes_for_one_entry_make_exactly_one_vote(server, entries):
    # given
    voter = ParticipantFactory()
    token = Token.objects.create(user=voter).key
    path = f"/api/v1/entries/{entries[0].pk}/vote/"
    # when
    statuses = fire_together(port=server.port, token=token, paths=[path] * REQUESTS)
    # then: one request made the vote, every other one was told it already exists
    assert Counter(statuses) == {201: 1, 200: REQUESTS - 1}
    assert Vote.objects.filter(voter=voter).count() == 1


def test_200_simultaneous_votes_never_exceed_n_per_challenge(server, entries, judging_challenge):
    # given: 3 votes per account, requests spread over 6 entries
    VotePolicyFactory(
        challenge=judging_challenge, kind=VotePolicy.Kind.PER_CHALLENGE, votes_per_account=3
    )
    voter = ParticipantFactory()
    token = Token.objects.create(user=voter).key
    paths = [f"/api/v1/entries/{entries[i % 6].pk}/vote/" for i in range(REQUESTS)]
    # when
    statuses = fire_together(port=server.port, token=token, paths=paths)
    # then
    assert Counter(statuses)[201] == 3
    assert set(statuses) <= {200, 201, 400}
    assert Vote.objects.filter(voter=voter).count() == 3
    assert Ballot.objects.get(voter=voter).used == 3
