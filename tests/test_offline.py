"""The test process cannot reach the network (see conftest.py), but loopback still works."""

import socket
import threading

import pytest


def test_outside_addresses_are_refused_before_any_packet_is_sent():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s, pytest.raises(OSError, match="blocked"):
        s.connect(("192.0.2.1", 80))  # TEST-NET-1: reserved for documentation, never routed
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s, pytest.raises(OSError, match="blocked"):
        s.connect(("example.invalid", 443))


def test_loopback_is_allowed():
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    port = server.getsockname()[1]
    accepted = []
    thread = threading.Thread(target=lambda: accepted.append(server.accept()[0]))
    thread.start()
    with socket.create_connection(("127.0.0.1", port), timeout=5):
        pass
    thread.join(5)
    server.close()
    for conn in accepted:
        conn.close()
    assert accepted
