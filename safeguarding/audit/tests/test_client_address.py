"""Which address an audit event records, with and without the council's load balancers in front."""

from django.test import RequestFactory, override_settings

from safeguarding.audit.services import client_address


def request_with(remote: str, forwarded: str | None = None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_without_trusted_proxies_the_forwarded_header_is_ignored():
    # Anyone can send X-Forwarded-For; trusting it by default would let a user write any address.
    assert client_address(request_with("10.0.0.5", "203.0.113.9")) == "10.0.0.5"


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_behind_one_balancer_the_address_it_saw_is_recorded_not_one_the_client_forged():
    assert client_address(request_with("10.0.0.5", "198.51.100.1, 203.0.113.9")) == "203.0.113.9"


@override_settings(TRUSTED_PROXY_COUNT=2)
def test_behind_two_proxies_the_second_from_the_right_is_the_client():
    assert client_address(request_with("10.0.0.5", "198.51.100.1, 203.0.113.9, 10.0.0.4")) == "203.0.113.9"


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_a_missing_or_malformed_header_falls_back_to_the_connection_address():
    assert client_address(request_with("10.0.0.5")) == "10.0.0.5"
    assert client_address(request_with("10.0.0.5", "not-an-address")) is None
