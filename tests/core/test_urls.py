"""app/urls.py: absolute links outside a request come from SERVER_NAME and PREFERRED_URL_SCHEME."""

from app.urls import configured_root, external_url


def test_outside_a_request_links_use_the_configured_server(app):
    app.config.update(SERVER_NAME="portal.example.org", PREFERRED_URL_SCHEME="https")
    try:
        with app.app_context():
            assert external_url("auth.login") == "https://portal.example.org/login"
            assert configured_root() == "https://portal.example.org/"
    finally:
        app.config.update(SERVER_NAME=None, PREFERRED_URL_SCHEME="http")


def test_without_server_name_links_use_flasks_default_host_not_a_hard_coded_port(app):
    with app.app_context():
        assert external_url("auth.login") == "http://localhost/login"
        assert configured_root() == "http://localhost/"


def test_in_a_request_links_follow_the_request_unless_server_name_is_set(app):
    with app.test_request_context("/", base_url="http://evil.example.net"):
        assert external_url("auth.login") == "http://evil.example.net/login"
        assert configured_root() == "http://evil.example.net/"
    app.config.update(SERVER_NAME="portal.example.org", PREFERRED_URL_SCHEME="https")
    try:
        with app.test_request_context("/", base_url="http://portal.example.org"):
            assert configured_root() == "https://portal.example.org/"
    finally:
        app.config.update(SERVER_NAME=None, PREFERRED_URL_SCHEME="http")
