"""Errors the bot raises, each with a stable code and the HTTP status a channel maps it to.

FaqbotError
 ├── UnknownStore           404  no knowledge/<store>/ folder
 ├── InvalidRequest         422  a request that parses but cannot be acted on (names the field)
 ├── BadOrders              422  pushed orders that cannot be true (a delivery after today)
 ├── BadKnowledge           422  a store's files cannot be read (names the file and why)
 ├── IndexNotReady          503  the persisted index is missing or stale
 ├── EmptyMessage           422
 └── MessageTooLong         413
"""

from __future__ import annotations


class FaqbotError(Exception):
    code = "bad_request"
    http_status = 400


class UnknownStore(FaqbotError):
    code, http_status = "unknown_store", 404

    def __init__(self, store: str, known: list[str] | None = None) -> None:
        hint = f"; known stores: {', '.join(known)}" if known else ""
        super().__init__(f"no store named {store!r} in the knowledge folder{hint}")


class InvalidRequest(FaqbotError):
    """A request that parses but cannot be acted on (a phrasing with no words, an order sent twice):
    a 422 like a body that does not parse, its message naming the field first."""

    code, http_status = "invalid_request", 422

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}")


class BadOrders(FaqbotError):
    """Orders that parse but cannot be true (a delivery after today): nothing of the request is stored."""

    code, http_status = "invalid_request", 422


class BadKnowledge(FaqbotError):
    """A store's file that cannot be used: `where` names the file (or file:line), `problem` says why,
    apart, so a caller that already names the file (`faqbot lint`) shows the problem alone."""

    code, http_status = "bad_knowledge", 422

    def __init__(self, where: object, problem: str) -> None:
        self.where, self.problem = str(where), problem
        super().__init__(f"{where}: {problem}")


class IndexNotReady(FaqbotError):
    code, http_status = "index_not_ready", 503


class EmptyMessage(FaqbotError):
    code, http_status = "empty_message", 422

    def __init__(self) -> None:
        super().__init__("the message is empty: type a question for the store")


class MessageTooLong(FaqbotError):
    code, http_status = "message_too_long", 413

    def __init__(self, length: int, limit: int) -> None:
        super().__init__(
            f"the message is {length} characters long; the limit is {limit}. "
            "Please shorten it to the question itself."
        )
