"""What shoppers type is kept masked: emails (spaced too), long numbers, long codes; and a database
error's text never carries its statement's values."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from bot.conversations import chat
from bot.db import Exchange, database_engine, session_factory, upgrade_database
from bot.privacy import masked_text


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("my email is jane.doe@example.com", "my email is j***@example.com"),
        ("it's demo @ example.com", "it's d***@example.com"),  # spaced, as the order lookup accepts it
        ("call me on +1 (415) 555-0132 please", "call me on ***0132 please"),
        ("card 4111 1111 1111 1111 was charged twice", "card ***1111 was charged twice"),
        ("tracking 9400111899223344556677 hasn't moved", "tracking ***6677 hasn't moved"),
        ("UPS says 1Z999AA10123456784", "UPS says ***6784"),
        # what stays: order numbers, dates, prices, years, short codes
        ("order DS-2002 placed on 2026-11-20 for $129.99", "order DS-2002 placed on 2026-11-20 for $129.99"),
        ("order #1001, 3 rings, size 7", "order #1001, 3 rings, size 7"),
        ("can I return it within 30 days?", "can I return it within 30 days?"),
    ],
)
def test_personal_data_is_masked_and_the_question_kept(typed, kept):
    assert masked_text(typed) == kept


def test_a_chat_turn_records_the_message_masked(engine, settings):
    upgrade_database(settings.database_url)
    sessions = session_factory(settings.database_url)
    turn = chat(engine, sessions, "dissoo", "where is my order? it's demo @ example.com, phone 415 555 0132")
    with sessions() as db:
        record = db.query(Exchange).filter(Exchange.session_id == turn.session_id).one()
    assert "demo @ example.com" not in record.message and "555 0132" not in record.message
    assert "d***@example.com" in record.message and "***0132" in record.message


def test_a_database_error_does_not_carry_the_statements_values(settings):
    with pytest.raises(SQLAlchemyError) as failed:
        with database_engine(settings.database_url).connect() as connection:
            connection.execute(text("SELECT * FROM no_such_table WHERE x = :email"), {"email": "secret.shopper@example.com"})
    assert "secret.shopper@example.com" not in str(failed.value)
