"""`portal init` brings a database from before 0008 to head: people keep their language, and a
person (or a registration request) added after may have none."""

from __future__ import annotations

from alembic import command
from sqlalchemy import MetaData, Table, insert, select

from bot.app import Portal
from bot.people import registry
from store import migrate
from store.base import utcnow
from store.db import transaction
from store.people import Person, person_by_email
from store.registrations import RegistrationRequest


def migrate_to(portal: Portal, revision: str, *, down: bool) -> None:
    config = migrate.alembic_config(portal.engine)
    with portal.engine.begin() as connection:
        config.attributes["connection"] = connection
        (command.downgrade if down else command.upgrade)(config, revision)


def test_init_keeps_the_languages_people_had_and_new_people_may_have_none(portal: Portal) -> None:
    migrate_to(portal, "0007", down=True)
    with portal.engine.begin() as connection:
        people = Table("people", MetaData(), autoload_with=connection)
        assert not people.c.language.nullable
        for number, language in ((1, "fr"), (2, "en")):
            connection.execute(
                insert(people).values(
                    name=f"Person {number}",
                    language=language,
                    telegram_active=True,
                    is_secretariat=False,
                    created_at=utcnow(),
                )
            )
    portal.init()
    assert migrate.current_revision(portal.engine) == migrate.head_revision()
    with portal.engine.begin() as connection:
        tables = MetaData()
        people = Table("people", tables, autoload_with=connection)
        requests = Table("registration_requests", tables, autoload_with=connection)
        assert people.c.language.nullable and requests.c.language.nullable
        assert people.c.language.server_default is None
        connection.execute(  # no language given: none, not a default
            insert(people).values(
                name="Person 3", telegram_active=True, is_secretariat=False, created_at=utcnow()
            )
        )
    with portal.sessions() as session:
        found = session.execute(select(Person.name, Person.language).order_by(Person.id)).all()
        assert [tuple(row) for row in found] == [
            ("Person 1", "fr"),
            ("Person 2", "en"),
            ("Person 3", None),
        ]
    with transaction(portal.sessions) as session:
        registry.add_focal_point(session, actor_name="LAO", email="new@nra.example")
        session.add(RegistrationRequest(email="someone@ngo.example", created_at=utcnow()))
    with portal.sessions() as session:
        assert person_by_email(session, "new@nra.example").language is None  # type: ignore[union-attr]
        assert session.scalars(select(RegistrationRequest.language)).all() == [None]


def test_downgrade_gives_english_to_people_without_a_language(portal: Portal) -> None:
    with transaction(portal.sessions) as session:
        registry.add_focal_point(session, actor_name="LAO", email="new@nra.example")
        registry.add_focal_point(session, actor_name="LBN", email="b@lmac.example", language="es")
    migrate_to(portal, "0007", down=True)
    with portal.engine.begin() as connection:
        people = Table("people", MetaData(), autoload_with=connection)
        languages = connection.execute(select(people.c.language).order_by(people.c.id)).scalars()
        assert list(languages) == ["en", "es"]
    migrate_to(portal, "head", down=False)
    assert migrate.current_revision(portal.engine) == migrate.head_revision()
