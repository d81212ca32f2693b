"""Message formats, signing and sending for e-mail and the group robots.

Formats, as documented by each platform for its custom group robot:

- WeCom (企业微信): POST {"msgtype": "markdown", "markdown": {"content": ...}} to the
  web-hook URL, whose `key` query parameter is the robot's credential; the
  reply is {"errcode": 0, "errmsg": "ok"} on success.
- DingTalk (钉钉): POST {"msgtype": "markdown", "markdown": {"title": ..., "text": ...}}.
  With signing on, `timestamp` (milliseconds) and
  `sign` = url-encoded base64(HMAC-SHA256(key=secret, msg=f"{timestamp}\\n{secret}"))
  are added to the query string; the reply is {"errcode": 0, ...}.
- Feishu (飞书): POST {"msg_type": "text", "content": {"text": ...}}. With signing
  on, the body also carries `timestamp` (seconds, as a string) and
  `sign` = base64(HMAC-SHA256(key=f"{timestamp}\\n{secret}", msg=b"")); the reply
  is {"code": 0, ...}. Feishu rejects a timestamp more than an hour old.

A message carries a title, a pseudonym, a level and a link; callers must not
put names, phone numbers or amounts into it.
"""

import base64
import datetime
import hashlib
import hmac
import json
import logging
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage

from hrguard.notify.models import Channel, ChannelKind

logger = logging.getLogger(__name__)

REQUEST_TIMEOUT_SECONDS = 10
# WeCom limits markdown content to 4096 bytes and text to 2048; staying under
# the smaller limit keeps every robot's message whole.
MAX_TEXT_BYTES = 2000


class DeliveryError(Exception):
    """A send that failed and may succeed when retried."""


@dataclass(frozen=True)
class Message:
    title: str
    lines: tuple[str, ...]
    link: str


@dataclass(frozen=True)
class OutgoingRequest:
    url: str
    body: bytes


def _truncate(text: str) -> str:
    encoded = text.encode("utf-8")
    if len(encoded) <= MAX_TEXT_BYTES:
        return text
    return encoded[:MAX_TEXT_BYTES].decode("utf-8", errors="ignore") + "…"


def payload_for(kind: str, message: Message) -> dict[str, Any]:
    """Return the JSON body for the channel kind, without signature fields."""
    if kind == ChannelKind.EMAIL:
        body = "\n".join([*message.lines, "", message.link])
        return {"subject": message.title, "body": body}
    if kind == ChannelKind.WECOM:
        lines = [f"**{message.title}**", *(f"> {line}" for line in message.lines)]
        lines.append(f"[查看详情]({message.link})")
        return {"msgtype": "markdown", "markdown": {"content": _truncate("\n".join(lines))}}
    if kind == ChannelKind.DINGTALK:
        lines = [f"### {message.title}", *(f"- {line}" for line in message.lines)]
        lines.append(f"[查看详情]({message.link})")
        return {
            "msgtype": "markdown",
            "markdown": {"title": message.title, "text": _truncate("\n\n".join(lines))},
        }
    if kind == ChannelKind.FEISHU:
        text = "\n".join([message.title, *message.lines, message.link])
        return {"msg_type": "text", "content": {"text": _truncate(text)}}
    raise ValueError(f"unknown channel kind {kind!r}")


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """Return DingTalk's signature for a millisecond timestamp, base64 but not yet url-encoded."""
    string_to_sign = f"{timestamp_ms}\n{secret}".encode()
    digest = hmac.new(secret.encode(), string_to_sign, hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def feishu_sign(secret: str, timestamp_s: int) -> str:
    """Return Feishu's signature: the HMAC key is the timestamp and secret, the message empty."""
    key = f"{timestamp_s}\n{secret}".encode()
    return base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode("ascii")


def _with_query(url: str, extra: dict[str, str]) -> str:
    parts = urllib.parse.urlsplit(url)
    query = urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
    query.extend(extra.items())
    return urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(query)))


def build_request(
    channel: Channel, payload: dict[str, Any], now: datetime.datetime
) -> OutgoingRequest:
    """Return the signed request for a robot channel at the moment `now`."""
    url = channel.webhook_url or ""
    validate_webhook_url(url)
    body = dict(payload)
    if channel.kind == ChannelKind.DINGTALK and channel.secret:
        timestamp_ms = int(now.timestamp() * 1000)
        # urlencode applies the url-encoding DingTalk expects on the base64 value.
        url = _with_query(
            url,
            {"timestamp": str(timestamp_ms), "sign": dingtalk_sign(channel.secret, timestamp_ms)},
        )
    if channel.kind == ChannelKind.FEISHU and channel.secret:
        timestamp_s = int(now.timestamp())
        body = {
            "timestamp": str(timestamp_s),
            "sign": feishu_sign(channel.secret, timestamp_s),
            **body,
        }
    encoded = json.dumps(body, ensure_ascii=False).encode("utf-8")
    return OutgoingRequest(url=url, body=encoded)


def validate_webhook_url(url: str) -> None:
    """Raise ValueError unless `url` is an http(s) URL with a host."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        raise ValueError(
            f"web-hook URL must be http or https with a host, got scheme {parts.scheme!r}"
        )


def _check_reply(kind: str, reply: dict[str, Any]) -> None:
    if kind == ChannelKind.FEISHU:
        code = reply.get("code", reply.get("StatusCode"))
        message = reply.get("msg", reply.get("StatusMessage", ""))
    else:
        code = reply.get("errcode")
        message = reply.get("errmsg", "")
    if code != 0:
        raise DeliveryError(f"{kind} rejected the message: code {code}, {message}")


def post_json(request: OutgoingRequest) -> dict[str, Any]:
    """POST the body and return the JSON reply; raise DeliveryError on any failure."""
    http_request = urllib.request.Request(  # noqa: S310 - the scheme is checked in build_request
        request.url,
        data=request.body,
        headers={"Content-Type": "application/json; charset=utf-8"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(http_request, timeout=REQUEST_TIMEOUT_SECONDS) as response:  # noqa: S310
            raw = response.read()
    except urllib.error.HTTPError as error:
        raise DeliveryError(f"HTTP {error.code} {error.reason}") from error
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        raise DeliveryError(f"connection failed: {error}") from error

    try:
        reply = json.loads(raw)
    except ValueError as error:
        raise DeliveryError(f"reply is not JSON: {raw[:200]!r}") from error
    if not isinstance(reply, dict):
        raise DeliveryError(f"reply is not a JSON object: {raw[:200]!r}")
    return reply


def send(channel: Channel, payload: dict[str, Any], now: datetime.datetime) -> None:
    """Send one queued payload through the channel; raise DeliveryError if it fails."""
    if channel.kind == ChannelKind.EMAIL:
        _send_email(channel, payload)
        return

    try:
        request = build_request(channel, payload, now)
    except ValueError as error:
        raise DeliveryError(str(error)) from error
    reply = post_json(request)
    _check_reply(channel.kind, reply)


def _send_email(channel: Channel, payload: dict[str, Any]) -> None:
    recipients = [address for address in channel.email_to if address]
    if not recipients:
        raise DeliveryError("e-mail channel has no recipients")
    email = EmailMessage(
        subject=payload["subject"],
        body=payload["body"],
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=recipients,
    )
    try:
        email.send(fail_silently=False)
    except OSError as error:
        # smtplib.SMTPException derives from OSError, so this covers refused
        # connections and rejected recipients alike.
        raise DeliveryError(f"e-mail failed: {error}") from error
