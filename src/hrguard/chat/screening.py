"""Screen a stream of chat messages and keep only borrowing requests with a little context.

The caller decides which messages may be read at all (the sender's chat
consent) and hands only those to `ChatScreen.feed`. The screen classifies
them in batches and yields a `FlaggedMessage` for each request, with at most
one earlier and one later message of the same conversation, each at most
CONTEXT_GAP away, as context. No other message leaves this module: the only
state kept between batches is, in memory, the latest readable message of each
conversation active within CONTEXT_GAP.

The module imports no Django so it can run in benchmarks and notebooks.
"""

import datetime
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from hrguard.chat.detector import Detection, Detector

# Messages classified per batch; one native pre-filter call covers a whole batch.
BATCH_MESSAGES = 20_000
# A neighbour further from the request than this is another exchange, not its context.
CONTEXT_GAP = datetime.timedelta(hours=2)


@dataclass(frozen=True, slots=True)
class ChatMessage:
    """One text message as read from an archive; `sender` and `recipients` are WeCom user ids."""

    key: str
    sent_at: datetime.datetime
    sender: str
    recipients: tuple[str, ...]
    room: str
    text: str

    @property
    def conversation(self) -> str:
        """Return the conversation's key: the group id, or the sorted pair of user ids."""
        if self.room:
            return f"room\x1f{self.room}"
        return "pair\x1f" + "\x1f".join(sorted({self.sender, *self.recipients}))


@dataclass(slots=True)
class FlaggedMessage:
    """A borrowing request and its neighbours in the same conversation."""

    message: ChatMessage
    detection: Detection
    before: ChatMessage | None
    after: ChatMessage | None = None


@dataclass
class ScreenCounts:
    read: int = 0
    triggered: int = 0
    flagged: int = 0


@dataclass
class ChatScreen:
    """Classify readable messages in batches and pair each request with its context."""

    detector: Detector
    batch_size: int = BATCH_MESSAGES
    counts: ScreenCounts = field(default_factory=ScreenCounts)
    _pending: list[ChatMessage] = field(default_factory=list)
    # Latest readable message per conversation, the "before" context of the next request.
    _previous: dict[str, ChatMessage] = field(default_factory=dict)
    # Requests per conversation still waiting for their "after" context.
    _waiting: dict[str, list[FlaggedMessage]] = field(default_factory=dict)

    def feed(self, message: ChatMessage) -> Iterator[FlaggedMessage]:
        """Queue one readable message; yield the requests whose context is complete."""
        self._pending.append(message)
        if len(self._pending) >= self.batch_size:
            yield from self._run_batch()

    def finish(self) -> Iterator[FlaggedMessage]:
        """Classify what is queued and yield every remaining request, with or without "after"."""
        yield from self._run_batch()
        for waiting in self._waiting.values():
            yield from waiting
        self._waiting.clear()
        self._previous.clear()

    def _run_batch(self) -> Iterator[FlaggedMessage]:
        batch, self._pending = self._pending, []
        if not batch:
            return
        self.counts.read += len(batch)
        triggered = self.detector.triggered_many([message.text for message in batch])

        for message, is_triggered in zip(batch, triggered, strict=True):
            conversation = message.conversation
            waiting = self._waiting.pop(conversation, None)
            if waiting:
                for flagged in waiting:
                    if message.sent_at - flagged.message.sent_at <= CONTEXT_GAP:
                        flagged.after = message
                yield from waiting

            if is_triggered:
                self.counts.triggered += 1
                detection = self.detector.analyse(message.text)
                if detection.borrowing:
                    self.counts.flagged += 1
                    flagged = FlaggedMessage(message, detection, before=self._before(message))
                    self._waiting.setdefault(conversation, []).append(flagged)
            self._previous[conversation] = message

        yield from self._forget_before(max(message.sent_at for message in batch) - CONTEXT_GAP)

    def _forget_before(self, horizon: datetime.datetime) -> Iterator[FlaggedMessage]:
        """Drop context older than `horizon` and yield requests that can get no "after" now.

        This keeps memory to the conversations active within CONTEXT_GAP of the
        latest message, however long the archive. An archive out of time order
        loses some context but no request.
        """
        self._previous = {
            conversation: message
            for conversation, message in self._previous.items()
            if message.sent_at >= horizon
        }
        expired = [
            conversation
            for conversation, waiting in self._waiting.items()
            if waiting[-1].message.sent_at < horizon
        ]
        for conversation in expired:
            yield from self._waiting.pop(conversation)

    def _before(self, message: ChatMessage) -> ChatMessage | None:
        previous = self._previous.get(message.conversation)
        if previous is None or message.sent_at - previous.sent_at > CONTEXT_GAP:
            return None
        return previous


def screen_messages(detector: Detector, messages: Iterable[ChatMessage]) -> list[FlaggedMessage]:
    """Screen a whole iterable of readable messages and return every request found."""
    screen = ChatScreen(detector)
    found: list[FlaggedMessage] = []
    for message in messages:
        found.extend(screen.feed(message))
    found.extend(screen.finish())
    return found
