"""A small client for the OpenAI-compatible chat-completions API that self-hosted
model servers speak (llama.cpp server, Ollama, vLLM, LocalAI).

POST {base}/chat/completions with {"model", "messages", "temperature"}; the
answer's text is choices[0].message.content. Errors are one line naming the
endpoint and what went wrong, never the key.
"""

from __future__ import annotations

import json
import socket
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any

from cairn.config import Settings
from cairn.errors import CairnError, InvalidInput

MAX_ANSWER_BYTES = 4 * 1024 * 1024
ERROR_BODY_BYTES = 16 * 1024
ERROR_SHOWN = 200  # characters of a server's own error message


class ModelError(CairnError):
    status_code = 502
    title = "model error"


@dataclass(frozen=True)
class ChatExchange:
    endpoint: str
    request: str  # the JSON body as sent (no credentials: those travel in a header)
    response: str  # the body as received, for the audit trail
    content: str  # the assistant's text
    model: str | None


def chat_endpoint(url: str) -> str:
    """Accept the base URL (http://host:8080, …/v1) or the full …/chat/completions address."""
    try:
        parts = urllib.parse.urlsplit(url.strip())
        parts.port  # noqa: B018 (read for its check: a port that is not a number)
    except ValueError:
        raise InvalidInput(f"CAIRN_LLM_URL {url!r} is not an http(s) address, e.g. http://127.0.0.1:8080/v1") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidInput(f"CAIRN_LLM_URL {url!r} is not an http(s) address, e.g. http://127.0.0.1:8080/v1")
    if parts.username is not None or parts.password is not None:
        # Credentials in the address would be kept with every draft and shown in errors.
        raise InvalidInput("CAIRN_LLM_URL holds a user or password: give the key in CAIRN_LLM_API_KEY instead")
    path = parts.path.rstrip("/")
    if not path.endswith("/chat/completions"):
        path = (path if path.endswith("/v1") else path + "/v1") + "/chat/completions"
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, path, parts.query, ""))


def chat(settings: Settings, messages: list[dict[str, str]]) -> ChatExchange:
    """One chat completion; raises ModelError with the reason when there is no usable answer."""
    if not settings.llm_url:
        raise InvalidInput("no model is configured: set CAIRN_LLM_URL to the team's chat endpoint")
    endpoint = chat_endpoint(settings.llm_url)
    where = urllib.parse.urlsplit(endpoint).netloc
    body = json.dumps({"model": settings.llm_model, "messages": messages, "temperature": 0, "stream": False}, ensure_ascii=False)
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    if settings.llm_api_key is not None:
        headers["Authorization"] = f"Bearer {settings.llm_api_key.get_secret_value()}"
    request = urllib.request.Request(endpoint, data=body.encode("utf-8"), headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=settings.llm_timeout_seconds) as reply:  # noqa: S310 (the team's own endpoint)
            raw = reply.read(MAX_ANSWER_BYTES + 1)
    except urllib.error.HTTPError as error:
        said = _error_message(error, settings)
        raise ModelError(f"the model at {where} answered HTTP {error.code} {error.reason}{f': {said}' if said else ''}") from None
    except (TimeoutError, socket.timeout):
        raise ModelError(f"the model at {where} did not answer within {settings.llm_timeout_seconds:g} s") from None
    except urllib.error.URLError as error:
        reason = error.reason
        if isinstance(reason, (TimeoutError, socket.timeout)):
            raise ModelError(f"the model at {where} did not answer within {settings.llm_timeout_seconds:g} s") from None
        raise ModelError(f"cannot reach the model at {where}: {reason}") from None
    except OSError as error:
        raise ModelError(f"cannot reach the model at {where}: {error.strerror or error}") from None
    if len(raw) > MAX_ANSWER_BYTES:
        raise ModelError(f"the model at {where} answered more than {MAX_ANSWER_BYTES // (1024 * 1024)} MiB")
    text = raw.decode("utf-8", errors="replace")
    content, model = _content(text, where)
    return ChatExchange(endpoint, body, text, content, model)


def _error_message(error: urllib.error.HTTPError, settings: Settings) -> str:
    """What the server said in its error body ("model 'x' not found"), one line,
    short, and without the key should a server echo it."""
    try:
        raw = error.read(ERROR_BODY_BYTES).decode("utf-8", errors="replace")
    except OSError:
        return ""
    try:
        answer: Any = json.loads(raw)
    except ValueError:
        return ""
    said = answer.get("error") if isinstance(answer, dict) else None
    if isinstance(said, dict):
        said = said.get("message")
    if not isinstance(said, str):
        return ""
    if settings.llm_api_key is not None and settings.llm_api_key.get_secret_value():
        said = said.replace(settings.llm_api_key.get_secret_value(), "***")
    said = " ".join(said.split())
    return said if len(said) <= ERROR_SHOWN else said[: ERROR_SHOWN - 1] + "…"


def _content(text: str, where: str) -> tuple[str, str | None]:
    try:
        answer: Any = json.loads(text)
    except ValueError:
        raise ModelError(f"the model at {where} answered something that is not JSON") from None
    if isinstance(answer, dict) and isinstance(answer.get("error"), (dict, str)):
        error = answer["error"]
        message = error.get("message") if isinstance(error, dict) else error
        raise ModelError(f"the model at {where} reported an error: {str(message)[:200]}")
    try:
        content = answer["choices"][0]["message"]["content"]
    except (KeyError, IndexError, TypeError):
        raise ModelError(f"the model at {where} answered without choices[0].message.content") from None
    if not isinstance(content, str) or not content.strip():
        raise ModelError(f"the model at {where} answered with an empty message")
    model = answer.get("model") if isinstance(answer.get("model"), str) else None
    return content, model
