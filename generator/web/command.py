"""`privgen serve`: start the local web questionnaire (registered in cli.py).

Flask is imported here only when the command runs, so other commands do not pay for it.
"""

from __future__ import annotations

import ipaddress
import logging
import socket
import sys
import webbrowser

import click

from ..errors import printable
from .store import IDLE_SECONDS

WILDCARDS = ("0.0.0.0", "::", "")  # noqa: S104 - recognised, to warn about them


def is_loopback(host: str) -> bool:
    """Whether only this machine can reach host: localhost, 127.0.0.0/8, ::1."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def allowed_hosts(host: str) -> frozenset[str] | None:
    """The host names the app answers to (against DNS rebinding); None for every interface."""
    from .app import LOOPBACK

    bare = host.strip("[]").lower()
    if bare in WILDCARDS:
        return None
    return LOOPBACK | {bare}


def warning(host: str, port: int) -> str:
    return (
        f"WARNING: privgen serve listens on {host}, not only on this computer (127.0.0.1).\n"
        f"Anyone who can reach this machine on port {port} can see and change the answers and\n"
        "download the documents: there is no password. Use this only in a network you trust,\n"
        "and stop the server (Ctrl-C) when you are done."
    )


def listen(host: str, port: int) -> socket.socket:
    """A listening socket (OSError when the port is taken, socket.gaierror for an unknown host)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET  # as werkzeug chooses
    family, kind, proto, _, address = socket.getaddrinfo(host or None, port, family, socket.SOCK_STREAM)[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # not over a running server
        sock.bind(address)
        sock.listen(128)
    except OSError:
        sock.close()
        raise
    return sock


def url_of(host: str, port: int) -> str:
    shown = "127.0.0.1" if host.strip("[]") in WILDCARDS else host.strip("[]")
    return f"http://[{shown}]:{port}/" if ":" in shown else f"http://{shown}:{port}/"


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8000,
    show_default=True,
    help="Port to listen on (0: any free port).",
)
@click.option("--open", "open_browser", is_flag=True, help="Open the page in your web browser.")
def serve(host: str, port: int, open_browser: bool) -> None:
    """Answer the questionnaire in your browser and download the documents.

    A local web page (on this computer only, unless --host says otherwise): the questions of
    `privgen init` section by section, in German or English, with a preview, downloads of
    HTML, PDF, Markdown, the profile and a ZIP of everything, and the upload of an existing
    profile. Answers stay in memory; nothing is written to disk or sent anywhere.
    """
    try:
        from werkzeug.serving import WSGIRequestHandler, make_server

        from .app import create_app
    except ImportError as exc:  # Flask is a dependency; a broken installation lacks it
        click.echo(f"privgen serve needs Flask ({exc}); reinstall privgen: pip install privgen", err=True)
        sys.exit(1)
    if not is_loopback(host):
        click.secho(warning(host, port), fg="red", bold=True, err=True)
    app = create_app(allowed_hosts=allowed_hosts(host))
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request
    try:
        sock = listen(host.strip("[]"), port)
    except socket.gaierror as exc:
        click.echo(f"privgen serve: --host {printable(host)}: unknown address ({exc.strerror})", err=True)
        sys.exit(2)
    except OSError as exc:
        click.echo(
            f"privgen serve: cannot listen on {printable(host)}:{port}: {exc.strerror or exc}; "
            "choose another port with --port",
            err=True,
        )
        sys.exit(1)

    class Handler(WSGIRequestHandler):
        def version_string(self) -> str:  # no software versions in the Server header
            return "privgen"

    with sock:
        server = make_server(
            host.strip("[]"),
            sock.getsockname()[1],
            app,
            threaded=True,
            request_handler=Handler,
            fd=sock.fileno(),
        )
    app.config["PRIVGEN_PORT"] = server.port
    url = url_of(host, server.port)
    hours = IDLE_SECONDS // 3600
    click.echo(f"privgen serve: open {url} in your web browser.")
    click.echo(
        f"Answers are kept in memory only, for {hours} hours without use at most. Ctrl-C stops the "
        "server and forgets them.",
    )
    sys.stdout.flush()
    if open_browser:
        webbrowser.open(url)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        click.echo("\nprivgen serve stopped; the answers are gone.")
    finally:
        server.server_close()
