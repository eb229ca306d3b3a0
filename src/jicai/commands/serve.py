"""`jicai serve`: the add-in server (xlwings Server) on this PC, and its configuration.

xlwings Server reads its settings once, at import, from XLWINGS_* environment variables and
from the project folder (`addin/`, with custom_functions/, custom_scripts/, templates/ and
static/). `create_app()` sets those variables, imports the server and wraps it in a guard
that refuses oversized requests with a clear message. Office requires HTTPS for add-ins:
with `addin/certs/localhost+2.pem` and `localhost+2-key.pem` (mkcert) present the server
speaks HTTPS, otherwise plain HTTP (fine for tests and `curl`).

Optional server config (TOML; `--config FILE` or JICAI_SERVER_CONFIG):

    max_payload_mb = 50            # larger requests get HTTP 413 and a Chinese message
    [[users]]                      # any user listed -> every request needs a valid token
    token = "change-me-1"
    name = "江岸区医保局"
    district = "江岸区"            # omit for a city-level user (all districts)
"""
from __future__ import annotations

import hmac
import json
import os
import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from jicai.errors import InputError

ROOT = Path(__file__).resolve().parents[3]
ADDIN_DIR = Path(os.environ.get("JICAI_ADDIN_DIR", ROOT / "addin"))
CONFIG_ENV = "JICAI_SERVER_CONFIG"
DEFAULT_MAX_PAYLOAD_MB = 50.0


@dataclass(frozen=True)
class User:
    token: str
    name: str
    district: str | None = None


@dataclass(frozen=True)
class ServerConfig:
    max_payload_mb: float = DEFAULT_MAX_PAYLOAD_MB
    users: tuple[User, ...] = field(default_factory=tuple)

    @property
    def auth_required(self) -> bool:
        return bool(self.users)

    def user_for_token(self, token: str) -> User | None:
        token = (token or "").strip()
        if token.lower().startswith("bearer "):
            token = token[7:].strip()
        if not token:
            return None
        for user in self.users:
            if hmac.compare_digest(user.token.encode(), token.encode()):
                return user
        return None


def load_config(path: str | Path | None = None) -> ServerConfig:
    path = path or os.environ.get(CONFIG_ENV)
    if not path:
        return ServerConfig()
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"找不到服务配置文件“{path}”。") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"服务配置文件“{path.name}”格式有误：{exc}") from None
    users = []
    for i, u in enumerate(data.get("users", []), start=1):
        if not isinstance(u, dict) or not str(u.get("token", "")).strip():
            raise InputError(f"服务配置文件“{path.name}”第 {i} 个用户缺少 token。")
        users.append(User(token=str(u["token"]).strip(), name=str(u.get("name") or f"用户{i}"),
                          district=(str(u["district"]).strip() or None) if u.get("district") else None))
    if len({u.token for u in users}) != len(users):
        raise InputError(f"服务配置文件“{path.name}”中有重复的 token。")
    return ServerConfig(max_payload_mb=float(data.get("max_payload_mb", DEFAULT_MAX_PAYLOAD_MB)), users=tuple(users))


def configure_environment(config_path: str | Path | None = None) -> ServerConfig:
    """Set the XLWINGS_* variables xlwings Server reads at import. Call before importing it."""
    if config_path:
        os.environ[CONFIG_ENV] = str(Path(config_path).resolve())
    config = load_config()
    os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")
    os.environ["XLWINGS_ON_SERVER"] = "true"
    os.environ["XLWINGS_PROJECT_DIR"] = str(ADDIN_DIR)
    os.environ["XLWINGS_AUTH_PROVIDERS"] = json.dumps(["custom"] if config.auth_required else [])
    os.environ.setdefault("XLWINGS_ENABLE_SOCKETIO", "false")
    os.environ.setdefault("XLWINGS_ENABLE_HOTRELOAD", "false")
    if str(ADDIN_DIR) not in sys.path:
        sys.path.insert(0, str(ADDIN_DIR))
    return config


class PayloadLimit:
    """ASGI guard: a request body over the limit gets 413 and a message the task pane and
    the alert show as is — never a crash or a half-read workbook."""

    def __init__(self, app, max_bytes: int):
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or self.max_bytes <= 0:
            return await self.app(scope, receive, send)
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            return await self._refuse(send, int(declared))
        chunks, size = [], 0
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body = message.get("body", b"")
            size += len(body)
            if size > self.max_bytes:
                return await self._refuse(send, size)
            chunks.append(body)
            more = message.get("more_body", False)
        body = b"".join(chunks)
        sent = False

        async def replay():
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        return await self.app(scope, replay, send)

    async def _refuse(self, send, size: int):
        limit_mb = self.max_bytes / 1024 / 1024
        detail = (f"工作簿数据过大（至少 {size / 1024 / 1024:.1f} MB，服务上限 {limit_mb:.0f} MB）。"
                  "请删除不需要的工作表或分批处理，或请管理员调高 max_payload_mb。")
        body = json.dumps({"detail": detail}, ensure_ascii=False).encode("utf-8")
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"application/json; charset=utf-8"),
                                (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})


def create_app(config_path: str | Path | None = None):
    """The ASGI app `jicai serve` runs: xlwings Server with our add-in project."""
    config = configure_environment(config_path)
    from xlwings_server.main import main_app
    return PayloadLimit(main_app, int(config.max_payload_mb * 1024 * 1024))


def certificates() -> tuple[str, str] | None:
    cert, key = ADDIN_DIR / "certs" / "localhost+2.pem", ADDIN_DIR / "certs" / "localhost+2-key.pem"
    return (str(cert), str(key)) if cert.exists() and key.exists() else None


def run(args) -> int:
    import uvicorn

    app = create_app(getattr(args, "config", None))
    certs = certificates()
    scheme = "https" if certs else "http"
    config = load_config()
    print(f"集采助手加载项服务：{scheme}://{args.host}:{args.port}/  清单：{scheme}://{args.host}:{args.port}/manifest.xml")
    if not certs:
        print("未找到 addin/certs/localhost+2.pem，使用 HTTP（仅供测试；Excel 加载项需要 HTTPS，见 README.md “Excel 加载项”一节）。")
    if config.auth_required:
        print(f"已启用身份验证：{len(config.users)} 个用户。")
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning",
                ssl_certfile=certs[0] if certs else None, ssl_keyfile=certs[1] if certs else None)
    return 0
