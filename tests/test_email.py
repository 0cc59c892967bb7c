"""Email goes through the outbox, then through the configured backend: console, SMTP (a real
local server) or Amazon SES (moto's server, over HTTP)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import boto3
import httpx
import pytest
import sqlalchemy as sa
from moto.server import ThreadedMotoServer

from app.emails import service as emails
from app.emails import tasks as email_tasks
from app.integrations.email import EmailMessage
from app.integrations.email.console import ConsoleEmailSender
from app.integrations.email.ses import SesEmailSender
from app.integrations.email.smtp import SmtpEmailSender
from app.outbox.models import OutboxMessage, OutboxReceipt
from app.outbox.registry import Registration, TaskContext
from app.outbox.worker import Outcome
from app.runtime import Runtime
from tests.support.auth import PASSWORD, signed_in
from tests.support.net import free_port
from tests.support.smtp import SmtpServer

MESSAGE = EmailMessage(
    to="parent@example.com",
    subject="Your Wonderspaced code",
    text="Your code is 493021. It expires in 10 minutes.",
    sender="Wonderspaced <no-reply@wonderspaced.test>",
    message_id="5b8f2c1e",
)


async def test_sending_waits_for_commit_and_the_worker(
    runtime: Runtime, smtp_server: SmtpServer
) -> None:
    async with runtime.db.session() as session:
        await emails.send_email(
            session, to="mum@example.com", subject="Welcome", text="Welcome aboard!"
        )
        assert smtp_server.to("mum@example.com") == []
    assert smtp_server.to("mum@example.com") == []  # committed, not yet delivered

    assert await runtime.worker.run_due() == 1
    [mail] = smtp_server.wait_for("mum@example.com")
    assert mail["Subject"] == "Welcome"
    assert mail.get_content().strip() == "Welcome aboard!"
    assert mail["From"] == runtime.settings.email_from


async def test_rolled_back_transaction_sends_nothing(
    runtime: Runtime, smtp_server: SmtpServer
) -> None:
    async def request_that_fails() -> None:
        async with runtime.db.session() as session:
            await emails.send_email(session, to="dad@example.com", subject="Hi", text="Hi")
            raise RuntimeError("validation failed later in the request")

    with pytest.raises(RuntimeError):
        await request_that_fails()
    assert await runtime.worker.run_due() == 0
    async with runtime.db.session() as session:
        assert (await session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage))) == 0
    assert smtp_server.to("dad@example.com") == []


async def test_smtp_sender_delivers_to_a_real_server(smtp_server: SmtpServer) -> None:
    await SmtpEmailSender("127.0.0.1", smtp_server.port).send(MESSAGE)
    [mail] = smtp_server.wait_for("parent@example.com")
    assert mail["Subject"] == MESSAGE.subject
    assert mail["Message-ID"] == "<5b8f2c1e@wonderspaced>"
    assert "493021" in mail.get_content()


async def test_smtp_failure_raises_so_the_outbox_retries() -> None:
    with pytest.raises(ConnectionRefusedError):
        await SmtpEmailSender("127.0.0.1", free_port(), timeout=2).send(MESSAGE)


async def test_console_sender_prints_the_whole_message(capfd: pytest.CaptureFixture[str]) -> None:
    await ConsoleEmailSender().send(MESSAGE)
    printed = capfd.readouterr().err
    assert "parent@example.com" in printed
    assert MESSAGE.subject in printed
    assert "493021" in printed


@pytest.fixture(scope="module")
def moto_endpoint() -> Iterator[str]:
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


async def test_ses_sender_sends_the_raw_message(moto_endpoint: str) -> None:
    client = boto3.client(
        "sesv2",
        region_name="eu-west-1",
        endpoint_url=moto_endpoint,
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )
    client.create_email_identity(EmailIdentity="no-reply@wonderspaced.test")
    await SesEmailSender("eu-west-1", client=client).send(MESSAGE)

    from moto.ses.models import ses_backends

    sent = ses_backends["123456789012"]["eu-west-1"].sent_messages
    assert len(sent) == 1
    raw = sent[0].raw_data
    assert "Subject: Your Wonderspaced code" in raw
    assert "493021" in raw
    assert set(sent[0].destinations) == {"parent@example.com"}


async def test_email_queued_for_a_deleted_account_is_dropped(
    runtime: Runtime, client: httpx.AsyncClient, smtp_server: SmtpServer
) -> None:
    headers = await signed_in(runtime, client, "leaving@example.com")
    forgot = await client.post(
        "/api/v1/auth/password/forgot", json={"email": "leaving@example.com"}
    )
    assert forgot.status_code == 202
    deleted = await client.request(
        "DELETE", "/api/v1/accounts/me", json={"password": PASSWORD}, headers=headers
    )
    assert deleted.status_code == 204, deleted.text

    await runtime.worker.run_due()
    assert smtp_server.to("leaving@example.com") == []
    async with runtime.db.session() as session:
        [message] = (
            await session.execute(
                sa.select(OutboxMessage).where(OutboxMessage.name == "email.send")
            )
        ).scalars()
    assert message.status == "done"
    assert message.payload == {}  # the address and the code are forgotten too


async def test_email_to_an_address_without_account_is_still_sent(
    runtime: Runtime, client: httpx.AsyncClient, smtp_server: SmtpServer
) -> None:
    started = await client.post(
        "/api/v1/auth/passwordless/start", json={"email": "new@example.com"}
    )
    assert started.status_code == 202, started.text
    await runtime.worker.run_due()
    assert smtp_server.wait_for("new@example.com")


async def test_an_email_redelivered_after_its_send_is_not_sent_again(
    live_runtime: Runtime, smtp_server: SmtpServer
) -> None:
    worker = live_runtime.worker
    real = worker.handlers[email_tasks.SEND_EMAIL]

    async def sent_then_the_database_went_away(ctx: TaskContext) -> None:
        await real.handler(ctx)
        raise ConnectionError("the connection was lost before commit")

    worker.handlers[email_tasks.SEND_EMAIL] = Registration(
        sent_then_the_database_went_away, forget_payload=True
    )
    async with live_runtime.db.session() as session:
        message_id = await emails.send_email(
            session, to="twice@example.com", subject="Your code", text="123456"
        )
    assert message_id is not None
    assert await worker.process(message_id) is Outcome.retry
    assert len(await smtp_server.receive("twice@example.com")) == 1
    async with live_runtime.db.session() as session:
        receipts = await session.execute(
            sa.select(OutboxReceipt.effect).where(OutboxReceipt.message_id == message_id)  # type: ignore[arg-type]
        )
        assert list(receipts.scalars()) == [email_tasks.SENT]

    worker.handlers[email_tasks.SEND_EMAIL] = real
    assert await worker.process(message_id) is Outcome.done
    await asyncio.sleep(0.2)
    assert len(smtp_server.to("twice@example.com")) == 1
    async with live_runtime.db.session() as session:
        message = await session.get(OutboxMessage, message_id)
    assert message is not None
    assert message.status == "done"
    assert message.attempts == 2
    assert message.payload == {}
