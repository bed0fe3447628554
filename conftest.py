"""Pytest configuration shared by the unit tests (tests/) and the notebooks (book/, via nbval).

* Notebooks run headless: MPLBACKEND=Agg is set here, before any kernel starts, so that kernels
  started by nbval inherit it.
* The test process is offline: a socket may connect only to the loopback interface (kernels talk
  to pytest over 127.0.0.1), so no test can download anything by accident.
* Every collected notebook is marked ``notebooks`` and with the part of the book it belongs to
  (``pytest -m foundations`` runs Part 1's unit tests and notebooks).
"""

import ipaddress
import os
import socket
from pathlib import Path

os.environ.setdefault("MPLBACKEND", "Agg")

ROOT = Path(__file__).resolve().parent

#: book/<folder> -> pytest marker of that part of the book
PART_MARKERS = {
    "foundations": "foundations",
    "optimization": "optimization",
    "neural_networks": "neural_networks",
    "generative": "generative",
    "statistics": "statistics",
    "theory": "theory",
}


class NetworkBlocked(OSError):
    """A test tried to reach the network."""


_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex


def _is_local(address) -> bool:
    if not isinstance(address, tuple):  # a Unix socket path
        return True
    host = address[0]
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:  # a host name: resolving it would already use the network
        return False


def _guard(address):
    if not _is_local(address):
        raise NetworkBlocked(f"network access is blocked in the tests (tried to connect to {address!r})")


def _connect(self, address):
    _guard(address)
    return _real_connect(self, address)


def _connect_ex(self, address):
    _guard(address)
    return _real_connect_ex(self, address)


def pytest_configure(config):
    socket.socket.connect = _connect
    socket.socket.connect_ex = _connect_ex


def pytest_unconfigure(config):
    socket.socket.connect = _real_connect
    socket.socket.connect_ex = _real_connect_ex


def pytest_collection_modifyitems(config, items):
    import pytest

    for item in items:
        path = Path(str(item.fspath))
        if path.suffix == ".ipynb":
            item.add_marker(pytest.mark.notebooks)
            part = path.parent.name
            if part in PART_MARKERS:
                item.add_marker(getattr(pytest.mark, PART_MARKERS[part]))
