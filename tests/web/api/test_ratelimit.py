"""Rate limits: fixed clock-aligned windows per token and per address, answered 429 with Retry-After."""

from __future__ import annotations

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from registre.web.api.ratelimit import hit, rate_limited

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("whole_rate_window")]


def test_a_window_allows_its_limit_then_refuses_until_it_ends():
    now = 1_000_040.0  # 20 seconds into a minute of the clock
    assert [hit("k", 2, 60, now).allowed for _ in range(3)] == [True, True, False]
    assert hit("k", 2, 60, now).retry_after == 40
    assert hit("k", 2, 60, now + 40).allowed  # the next minute starts from zero
    assert hit("other", 2, 60, now).allowed


def test_retry_after_is_at_least_one_second():
    assert hit("k", 5, 60, 1_000_079.9999).retry_after == 1


def test_a_token_past_its_limit_gets_429_with_retry_after(workspace, agent, api_as, settings):
    settings.REGISTRE_API_RATE_PER_TOKEN = 2
    client = api_as(agent, ["requests.view"])
    assert [client.get("/api/v1/requests").status_code for _ in range(3)] == [200, 200, 429]
    response = client.get("/api/v1/requests")
    assert response["Retry-After"].isdigit() and 1 <= int(response["Retry-After"]) <= 60
    problem = response.json()
    assert problem["type"] == "urn:registre:problem:rate-limited" and problem["status"] == 429
    # Another token of the same owner, from the same address, has its own count.
    assert api_as(agent, ["requests.view"], name="other").get("/api/v1/requests").status_code == 200


def test_an_address_past_its_limit_gets_429_even_before_authentication(workspace, agent, api_as, settings):
    settings.REGISTRE_API_RATE_PER_ADDRESS = 2
    anonymous = api_as(None)
    assert [anonymous.get("/api/v1/requests").status_code for _ in range(3)] == [401, 401, 429]
    assert api_as(agent, ["requests.view"]).get("/api/v1/requests").status_code == 429
    other = api_as(agent, ["requests.view"], name="elsewhere")
    assert other.client.get("/api/v1/requests", REMOTE_ADDR="192.0.2.7", headers=other._headers()).status_code == 200


def test_the_opengdpr_intake_answers_429_in_its_own_error_shape(workspace, agent, api_as, settings):
    settings.REGISTRE_API_RATE_PER_ADDRESS = 1
    client = api_as(agent, ["requests.create"])
    client.get("/opengdpr/v1/discovery")
    response = client.get("/opengdpr/v1/discovery")
    assert response.status_code == 429 and response["Retry-After"].isdigit()
    assert response.json()["error"]["code"] == 429
    assert response["X-OpenGDPR-Signature"]


def test_the_decorator_limits_the_posts_of_a_django_view_per_address():
    @rate_limited(2, 600)
    def view(request):
        return HttpResponse("ok")

    factory = RequestFactory()
    assert [view(factory.post("/form/")).status_code for _ in range(3)] == [200, 200, 429]
    refused = view(factory.post("/form/"))
    assert refused["Retry-After"].isdigit() and int(refused["Retry-After"]) <= 600
    assert view(factory.get("/form/")).status_code == 200  # reads are not counted
    assert view(factory.post("/form/", REMOTE_ADDR="192.0.2.8")).status_code == 200


def test_the_decorator_lets_the_view_render_its_own_429_page():
    @rate_limited(
        0, 60, methods=("GET", "POST"), respond=lambda request, wait: HttpResponse(f"wait {wait}", status=429)
    )
    def view(request):
        return HttpResponse("ok")

    response = view(RequestFactory().get("/"))
    assert response.status_code == 429 and response.content.decode() == f"wait {response['Retry-After']}"
