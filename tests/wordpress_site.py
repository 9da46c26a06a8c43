"""A throwaway WordPress on 127.0.0.1 for the publisher's integration test.

Built from Debian's packages (`wordpress`, `php`, `libapache2-mod-php`, `php-mysql`,
`mariadb-server`, `apache2`), but without touching their system services: a private
MariaDB (own data folder, Unix socket only, no TCP) and a private Apache (own config,
`Listen 127.0.0.1:<port>`) run in a temporary folder and are stopped at the end.

Debian's `/usr/share/wordpress/wp-config.php` reads `/etc/wordpress/config-<name>.php`;
Apache passes a unique `WORDPRESS_CONFIG` name, so an existing site config is never
touched, and the file is removed again on `stop()`.
"""

from __future__ import annotations

import base64
import contextlib
import glob
import grp
import json
import os
import secrets
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

WP_ROOT = Path("/usr/share/wordpress")
WP_ETC = Path("/etc/wordpress")
APACHE_MODULES = Path("/usr/lib/apache2/modules")
PACKAGES = "wordpress php libapache2-mod-php php-mysql mariadb-server apache2"


def missing() -> str | None:
    """Why a local WordPress cannot be started here, or None when it can."""
    needed = {
        "wordpress": WP_ROOT / "wp-load.php",
        "mariadb-server": Path("/usr/sbin/mariadbd"),
        "mariadb-install-db": Path("/usr/bin/mariadb-install-db"),
        "mariadb client": Path("/usr/bin/mariadb"),
        "apache2": Path("/usr/sbin/apache2"),
        "php": Path("/usr/bin/php"),
    }
    absent = [name for name, path in needed.items() if not path.exists()]
    if not glob.glob(str(APACHE_MODULES / "libphp*.so")):
        absent.append("libapache2-mod-php")
    if absent:
        return f"missing {', '.join(absent)} (apt-get install {PACKAGES})"
    modules = subprocess.run(["php", "-m"], capture_output=True, text=True, check=False).stdout
    if "mysqli" not in modules.split():
        return "php has no mysqli extension (apt-get install php-mysql)"
    if not os.access(WP_ETC, os.W_OK):
        return f"{WP_ETC} is not writable (the WordPress test runs as root on CI)"
    return None


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(check, what: str, timeout: float, log: Path | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.2)
    tail = log.read_text(errors="replace")[-3000:] if log and log.exists() else ""
    raise RuntimeError(f"{what} did not come up within {timeout:.0f} s\n{tail}")


@dataclass
class LocalWordPress:
    """Start with `start()`, stop with `stop()`; `url`, `user`, `app_password` once started."""

    base: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="privgen-wp-")))
    port: int = field(default_factory=free_port)
    user: str = "privgen-admin"
    app_password: str = ""
    config_name: str = field(default_factory=lambda: f"privgen-test-{secrets.token_hex(6)}")
    _procs: list[subprocess.Popen] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def socket_path(self) -> Path:
        return self.base / "mysqld.sock"

    @property
    def config_file(self) -> Path:
        return WP_ETC / f"config-{self.config_name}.php"

    # -- lifecycle ---------------------------------------------------------------

    def start(self) -> LocalWordPress:
        # Apache's children (www-data) must reach the socket and read the config.
        os.chmod(self.base, 0o755)  # noqa: S103
        try:
            self._start_mariadb()
            self._create_database()
            self._write_config()
            self._start_apache()
            self._install()
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        for proc in reversed(self._procs):
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait(timeout=10)
        self._procs.clear()
        with contextlib.suppress(FileNotFoundError):
            self.config_file.unlink()
        shutil.rmtree(self.base, ignore_errors=True)

    # -- MariaDB: own data folder, Unix socket only ------------------------------------

    def _root_flag(self) -> list[str]:
        return ["--user=root"] if os.geteuid() == 0 else []

    def _start_mariadb(self) -> None:
        datadir = self.base / "db"
        log = self.base / "mariadb.log"
        subprocess.run(
            [
                "mariadb-install-db",
                "--no-defaults",
                f"--datadir={datadir}",
                "--auth-root-authentication-method=socket",
                "--skip-test-db",
                "--skip-name-resolve",
                *self._root_flag(),
            ],
            check=True,
            capture_output=True,
        )
        with open(log, "ab") as out:
            proc = subprocess.Popen(
                [
                    "/usr/sbin/mariadbd",
                    "--no-defaults",
                    f"--datadir={datadir}",
                    f"--socket={self.socket_path}",
                    f"--pid-file={self.base / 'mariadb.pid'}",
                    "--skip-networking",
                    "--skip-name-resolve",
                    f"--log-error={log}",
                    *self._root_flag(),
                ],
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self._procs.append(proc)
        _wait(lambda: self._sql("SELECT 1", check=False) == 0, "MariaDB", 60, log)

    def _sql(self, statements: str, check: bool = True) -> int:
        result = subprocess.run(
            ["mariadb", "--no-defaults", f"--socket={self.socket_path}", "-uroot", "-e", statements],
            capture_output=True,
            text=True,
            check=False,
        )
        if check and result.returncode:
            raise RuntimeError(f"SQL failed: {result.stderr}")
        return result.returncode

    def _create_database(self) -> None:
        self.db_password = secrets.token_hex(16)
        self._sql(
            "CREATE DATABASE wordpress CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;"
            f"CREATE USER 'wordpress'@'localhost' IDENTIFIED BY '{self.db_password}';"
            "GRANT ALL PRIVILEGES ON wordpress.* TO 'wordpress'@'localhost';"
        )

    # -- WordPress config and Apache ---------------------------------------------------

    def _write_config(self) -> None:
        salts = "\n".join(
            f"define('{name}', '{secrets.token_hex(32)}');"
            for name in (
                "AUTH_KEY",
                "SECURE_AUTH_KEY",
                "LOGGED_IN_KEY",
                "NONCE_KEY",
                "AUTH_SALT",
                "SECURE_AUTH_SALT",
                "LOGGED_IN_SALT",
                "NONCE_SALT",
            )
        )
        config = f"""<?php
// Written by privgen's test suite ({__file__}); removed when the test session ends.
define('DB_NAME', 'wordpress');
define('DB_USER', 'wordpress');
define('DB_PASSWORD', '{self.db_password}');
define('DB_HOST', 'localhost:{self.socket_path}');
define('DB_CHARSET', 'utf8mb4');
define('WP_HOME', '{self.url}');
define('WP_SITEURL', '{self.url}');
// Application passwords work over plain HTTP only in a 'local' environment.
define('WP_ENVIRONMENT_TYPE', 'local');
// Everything stays on this machine: no update checks, no cron loopbacks, no external HTTP.
define('WP_HTTP_BLOCK_EXTERNAL', true);
define('DISABLE_WP_CRON', true);
define('AUTOMATIC_UPDATER_DISABLED', true);
define('WP_DEBUG', false);
{salts}
$table_prefix = 'wp_';
"""
        self.config_file.write_text(config, encoding="utf-8")
        os.chmod(self.config_file, 0o640)
        with contextlib.suppress(KeyError, PermissionError):
            os.chown(self.config_file, -1, grp.getgrnam("www-data").gr_gid)

    def _start_apache(self) -> None:
        module = sorted(glob.glob(str(APACHE_MODULES / "libphp*.so")))[-1]
        run = self.base / "run"
        run.mkdir()
        log = self.base / "apache-error.log"
        modules = "\n".join(
            f"LoadModule {name}_module {APACHE_MODULES}/mod_{name}.so"
            for name in ("mpm_prefork", "authz_core", "dir", "mime", "rewrite", "env")
        )
        conf = self.base / "apache2.conf"
        conf.write_text(
            f"""# privgen test WordPress: loopback only
ServerName 127.0.0.1
Listen 127.0.0.1:{self.port}
PidFile {self.base / "apache.pid"}
DefaultRuntimeDir {run}
Mutex file:{run} default
ErrorLog {log}
LogLevel warn
{modules}
LoadModule php_module {module}
User www-data
Group www-data
StartServers 1
MinSpareServers 1
MaxSpareServers 2
MaxRequestWorkers 4
TypesConfig /etc/mime.types
DocumentRoot {WP_ROOT}
DirectoryIndex index.php
SetEnv WORDPRESS_CONFIG {self.config_name}
<FilesMatch "\\.php$">
    SetHandler application/x-httpd-php
</FilesMatch>
<Directory />
    AllowOverride None
    Require all denied
</Directory>
<Directory {WP_ROOT}>
    AllowOverride None
    Require all granted
    RewriteEngine On
    RewriteBase /
    RewriteRule ^index\\.php$ - [L]
    # Pretty permalinks (/wp-json/...) while this file exists, as an .htaccess would give.
    RewriteCond {self.base / "pretty-permalinks"} -f
    RewriteCond %{{REQUEST_FILENAME}} !-f
    RewriteCond %{{REQUEST_FILENAME}} !-d
    RewriteRule . /index.php [L]
</Directory>
""",
            encoding="utf-8",
        )
        proc = subprocess.Popen(
            ["/usr/sbin/apache2", "-f", str(conf), "-DFOREGROUND"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env={"PATH": os.environ.get("PATH", "/usr/sbin:/usr/bin:/sbin:/bin"), "LANG": "C"},
            # Apache signals its whole process group on shutdown: keep it out of ours.
            start_new_session=True,
        )
        self._procs.append(proc)

        def listening() -> bool:
            with socket.socket() as s:
                return s.connect_ex(("127.0.0.1", self.port)) == 0

        _wait(listening, "Apache", 30, log)

    # -- installation, through WordPress's own PHP functions ----------------------------

    def php(self, code: str) -> str:
        """Run PHP with WordPress loaded (as this site); returns stdout."""
        script = self.base / f"run-{secrets.token_hex(4)}.php"
        script.write_text(
            f"""<?php
$_SERVER['WORDPRESS_CONFIG'] = '{self.config_name}';
$_SERVER['HTTP_HOST'] = '127.0.0.1:{self.port}';
$_SERVER['SERVER_NAME'] = '127.0.0.1';
$_SERVER['REQUEST_URI'] = '/';
$_SERVER['REQUEST_METHOD'] = 'GET';
{code}
""",
            encoding="utf-8",
        )
        try:
            result = subprocess.run(["php", str(script)], capture_output=True, text=True, check=False)
        finally:
            script.unlink()
        if result.returncode:
            raise RuntimeError(f"php failed ({result.returncode}): {result.stdout}\n{result.stderr}")
        return result.stdout

    def _install(self) -> None:
        out = self.php(
            f"""
define('WP_INSTALLING', true);
// No welcome e-mail (there is no mail server, and nothing may leave the machine).
function wp_new_blog_notification() {{}}
require '{WP_ROOT}/wp-load.php';
require_once ABSPATH . 'wp-admin/includes/upgrade.php';
$result = wp_install('privgen test site', '{self.user}', 'admin@example.org', false, '',
                     '{secrets.token_hex(16)}', 'de_DE');
$user = get_user_by('login', '{self.user}');
$created = WP_Application_Passwords::create_new_application_password($user->ID, ['name' => 'privgen']);
if (is_wp_error($created)) {{ fwrite(STDERR, $created->get_error_message()); exit(1); }}
echo "\\n@@" . json_encode(['password' => $created[0], 'user_id' => $user->ID]);
"""
        )
        data = json.loads(out.rsplit("@@", 1)[1])
        self.app_password = data["password"]
        self.user_id = data["user_id"]
        self.pretty_permalinks(True)
        _wait(
            lambda: self.get("/wp-json/")[0] == 200,
            "the WordPress REST API",
            30,
            self.base / "apache-error.log",
        )

    def wp(self, code: str) -> str:
        """Run PHP with this site's WordPress loaded (wp-load.php); returns stdout."""
        return self.php(f"require '{WP_ROOT}/wp-load.php';\n{code}")

    def add_user(self, login: str, role: str) -> str:
        """A further user with `role`; returns a new application password for it."""
        out = self.wp(
            f"""
$id = wp_insert_user(['user_login' => '{login}', 'user_pass' => '{secrets.token_hex(16)}',
                      'user_email' => '{login}@example.org', 'role' => '{role}']);
if (is_wp_error($id)) {{ fwrite(STDERR, $id->get_error_message()); exit(1); }}
$created = WP_Application_Passwords::create_new_application_password($id, ['name' => 'privgen']);
echo "\\n@@" . $created[0];
"""
        )
        return out.rsplit("@@", 1)[1]

    def pretty_permalinks(self, on: bool) -> None:
        """Switch between /%postname%/ permalinks (with Apache's rewrite) and plain ?p=N ones."""
        structure = "/%postname%/" if on else ""
        self.wp(f"update_option('permalink_structure', '{structure}'); flush_rewrite_rules(false);")
        marker = self.base / "pretty-permalinks"
        if on:
            marker.touch()
        else:
            marker.unlink(missing_ok=True)

    # -- reading back --------------------------------------------------------------------

    def rest(self, route: str, auth: bool = False, **params: str) -> tuple[int, object]:
        """GET a REST route (through ?rest_route=, which works with any permalinks)."""
        query = urllib.parse.urlencode({"rest_route": route, **params})
        return self.get(f"/?{query}", auth=auth)

    def get(self, path: str, auth: bool = False) -> tuple[int, object]:
        """GET a path on the site; returns (status, parsed JSON or None)."""
        request = urllib.request.Request(  # noqa: S310 - the loopback test site
            self.url + path, headers={"Accept": "application/json"}
        )
        if auth:
            token = base64.b64encode(f"{self.user}:{self.app_password}".encode()).decode()
            request.add_header("Authorization", f"Basic {token}")
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - loopback test site
                body = response.read()
                status = response.status
        except urllib.error.HTTPError as exc:
            body, status = exc.read(), exc.code
        except OSError:
            return 0, None
        try:
            return status, json.loads(body)
        except ValueError:
            return status, None
