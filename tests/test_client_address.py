"""One function decides the client's address, for every part of the portal that needs it."""

import pytest
from django.test import RequestFactory

from umkm_portal.client_address import client_ip


def _request(**meta):
    return RequestFactory().get("/", **meta)


def test_without_a_trusted_header_the_socket_address_is_the_client(settings):
    settings.TRUSTED_PROXY_IP_HEADER = ""
    request = _request(REMOTE_ADDR="198.51.100.7", HTTP_X_REAL_IP="1.2.3.4")
    assert client_ip(request) == "198.51.100.7"


@pytest.mark.parametrize(
    ("header", "meta", "expected"),
    [
        ("X-Real-IP", {"HTTP_X_REAL_IP": "203.0.113.5"}, "203.0.113.5"),
        # Only the right-most entry was appended by our proxy; the rest came from the client.
        ("X-Forwarded-For", {"HTTP_X_FORWARDED_FOR": "1.2.3.4, 203.0.113.5"}, "203.0.113.5"),
        # A missing or malformed header falls back to the socket address.
        ("X-Real-IP", {}, "127.0.0.1"),
        ("X-Real-IP", {"HTTP_X_REAL_IP": "bukan-alamat"}, "127.0.0.1"),
    ],
)
def test_behind_a_proxy_the_configured_header_names_the_client(settings, header, meta, expected):
    settings.TRUSTED_PROXY_IP_HEADER = header
    assert client_ip(_request(REMOTE_ADDR="127.0.0.1", **meta)) == expected


@pytest.mark.parametrize(
    ("meta", "header"),
    [
        ({"REMOTE_ADDR": "::ffff:203.0.113.5"}, ""),
        ({"REMOTE_ADDR": "::1", "HTTP_X_REAL_IP": "::ffff:203.0.113.5"}, "X-Real-IP"),
    ],
    ids=["dual-stack-socket", "from-proxy-header"],
)
def test_an_ipv4_client_on_a_dual_stack_socket_is_its_ipv4_address(settings, meta, header):
    settings.TRUSTED_PROXY_IP_HEADER = header
    assert client_ip(_request(**meta)) == "203.0.113.5"
