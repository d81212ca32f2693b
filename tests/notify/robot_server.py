"""A local HTTP server that plays the WeCom, DingTalk and Feishu group-robot endpoints.

It checks each request the way the platform does (key, signature, timestamp
window, message shape), records it, and returns the platform's reply.
The signature checks are written here independently of hrguard.notify.channels.
"""

import base64
import hashlib
import hmac
import json
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

WECOM_KEY = "693a91f6-test-key"
DINGTALK_TOKEN = "ding-access-token"
DINGTALK_SECRET = "SECding-test-secret"
FEISHU_HOOK = "feishu-hook-id"
FEISHU_SECRET = "feishu-test-secret"
# The flaky endpoint returns HTTP 500 this many times before it accepts a message.
FLAKY_FAILURES = 2


@dataclass
class CapturedRequest:
    path: str
    query: dict[str, str]
    body: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class RobotState:
    requests: list[CapturedRequest] = field(default_factory=list)
    flaky_calls: int = 0


def _dingtalk_expected_sign(timestamp: str) -> str:
    digest = hmac.new(
        DINGTALK_SECRET.encode(), f"{timestamp}\n{DINGTALK_SECRET}".encode(), hashlib.sha256
    ).digest()
    return base64.b64encode(digest).decode()


def _feishu_expected_sign(timestamp: str) -> str:
    key = f"{timestamp}\n{FEISHU_SECRET}".encode()
    return base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode()


def _wecom_reply(query: dict[str, str], body: dict[str, Any]) -> dict[str, Any]:
    if query.get("key") != WECOM_KEY:
        return {"errcode": 93000, "errmsg": "invalid webhook url"}
    kind = body.get("msgtype")
    if kind not in {"text", "markdown"} or not isinstance(body.get(kind, {}).get("content"), str):
        return {"errcode": 40008, "errmsg": "invalid message type"}
    return {"errcode": 0, "errmsg": "ok"}


def _dingtalk_reply(query: dict[str, str], body: dict[str, Any]) -> dict[str, Any]:
    if query.get("access_token") != DINGTALK_TOKEN:
        return {"errcode": 300001, "errmsg": "token is not exist"}
    timestamp = query.get("timestamp", "")
    if not timestamp.isdigit() or abs(int(timestamp) - time.time() * 1000) > 3600 * 1000:
        return {"errcode": 310000, "errmsg": "timestamp invalid"}
    if query.get("sign") != _dingtalk_expected_sign(timestamp):
        return {"errcode": 310000, "errmsg": "sign not match"}
    markdown = body.get("markdown", {})
    if body.get("msgtype") != "markdown" or not markdown.get("title") or not markdown.get("text"):
        return {"errcode": 40035, "errmsg": "missing parameter"}
    return {"errcode": 0, "errmsg": "ok"}


def _feishu_reply(body: dict[str, Any]) -> dict[str, Any]:
    timestamp = body.get("timestamp", "")
    fail = {"code": 19021, "msg": "sign match fail or timestamp is not within one hour"}
    if not isinstance(timestamp, str) or not timestamp.isdigit():
        return fail
    if abs(int(timestamp) - time.time()) > 3600:
        return fail
    if body.get("sign") != _feishu_expected_sign(timestamp):
        return fail
    if body.get("msg_type") != "text" or not isinstance(body.get("content", {}).get("text"), str):
        return {"code": 9499, "msg": "Bad Request"}
    return {"code": 0, "msg": "success", "data": {}}


def _make_handler(state: RobotState) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - name fixed by BaseHTTPRequestHandler
            parts = urllib.parse.urlsplit(self.path)
            query = dict(urllib.parse.parse_qsl(parts.query))
            raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            state.requests.append(CapturedRequest(path=parts.path, query=query, body=raw))
            body = json.loads(raw)

            if parts.path == "/cgi-bin/webhook/send":
                self._reply(200, _wecom_reply(query, body))
            elif parts.path == "/robot/send":
                self._reply(200, _dingtalk_reply(query, body))
            elif parts.path == f"/open-apis/bot/v2/hook/{FEISHU_HOOK}":
                self._reply(200, _feishu_reply(body))
            elif parts.path == "/flaky/cgi-bin/webhook/send":
                state.flaky_calls += 1
                if state.flaky_calls <= FLAKY_FAILURES:
                    self._reply(500, {"errcode": -1, "errmsg": "system busy"})
                else:
                    self._reply(200, _wecom_reply(query, body))
            else:
                self._reply(404, {"errcode": 404, "errmsg": "not found"})

        def _reply(self, status: int, payload: dict[str, Any]) -> None:
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            """Keep test output quiet."""

    return Handler


class RobotServer:
    """Serve the robot endpoints on 127.0.0.1 in a background thread."""

    def __init__(self) -> None:
        self.state = RobotState()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _make_handler(self.state))
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def wecom_url(self) -> str:
        return f"{self.base_url}/cgi-bin/webhook/send?key={WECOM_KEY}"

    @property
    def dingtalk_url(self) -> str:
        return f"{self.base_url}/robot/send?access_token={DINGTALK_TOKEN}"

    @property
    def feishu_url(self) -> str:
        return f"{self.base_url}/open-apis/bot/v2/hook/{FEISHU_HOOK}"

    @property
    def flaky_url(self) -> str:
        return f"{self.base_url}/flaky/cgi-bin/webhook/send?key={WECOM_KEY}"

    def __enter__(self) -> "RobotServer":
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
