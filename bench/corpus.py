"""Realistic needs and offers: who sends them, what they ask for, and the filled templates.

Needs come from the focal points of affected states, offers from donor states, organisations
and NGOs; areas and forms of assistance are drawn with the skew real submissions show (clearance
and survey far more often than research). The same seed gives the same corpus.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from email.message import EmailMessage
from email.utils import format_datetime

from bot.parsing.fields import country_name
from bot.records.views import vocabulary

NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)  # a Monday: the digest of 2026-W48 is due
DOMAIN = "portal.test"

NEED_ACTORS = (
    "LAO", "LBN", "IRQ", "AFG", "BIH", "TCD", "COL", "MRT", "SOM", "HRV", "SSD", "COD",
    "AGO", "CHL", "GNB", "MOZ", "SLE", "UGA", "MNE", "PER", "LKA", "PSE",
)  # fmt: skip
OFFER_ACTORS = (
    "NOR", "DEU", "GBR", "JPN", "AUS", "CHE", "NLD", "FRA", "ITA", "IRL", "CAN", "NZL",
    "SWE", "DNK", "BEL", "AUT", "LUX", "ESP", "USA", "KOR", "NPA", "HALO", "MAG", "HI",
    "DCA", "DRC", "FSD", "APOPO", "GICHD", "UNMAS", "UNDP", "ITF", "EU", "ICRC",
)  # fmt: skip
FRENCH = {"TCD", "MRT", "COD", "LBN", "FRA", "BEL", "LUX", "CHE", "HI"}
SPANISH = {"COL", "CHL", "PER", "ESP"}
LOCAL_LANGUAGE = {"LAO": "Lao", "AFG": "Pashto", "SOM": "Swahili", "LKA": "English"}

AREA_WEIGHTS = {
    "art4.clearance": 10,
    "art4.survey.technical": 8,
    "art4.survey.non_technical": 6,
    "art4.land_release": 6,
    "art4.risk_reduction_education": 7,
    "art4.marking_protection": 3,
    "art4.prioritisation_planning": 2,
    "art5.medical_care": 4,
    "art5.rehabilitation": 4,
    "art5.psychosocial_support": 3,
    "art5.socio_economic_inclusion": 3,
    "art5.data_needs_assessment": 2,
    "art5.laws_policies_coordination": 2,
    "art3.stockpile_destruction.operations": 2,
    "art3.stockpile_destruction.planning": 1,
    "cross.information_management": 3,
    "cross.quality_management": 2,
    "cross.national_capacity": 3,
}  # the other areas weigh 1
ASSISTANCE_WEIGHTS = {
    "financial": 10,
    "material_equipment": 6,
    "training_capacity_development": 6,
    "technical_expertise": 6,
    "best_practice_exchange": 2,
}  # the other forms weigh 1

LABELS = {
    "en": ("Type", "Title", "Country", "Areas", "Assistance", "Amount", "Period", "Languages",
           "Reference", "Description"),
    "fr": ("Type", "Titre", "Pays", "Domaines", "Assistance", "Montant", "Période", "Langues",
           "Référence", "Description"),
    "es": ("Tipo", "Título", "País", "Áreas", "Asistencia", "Monto", "Período", "Idiomas",
           "Referencia", "Descripción"),
}  # fmt: skip
KIND_WORDS = {"en": ("need", "offer"), "fr": ("besoin", "offre"), "es": ("necesidad", "oferta")}
ANY_WORDS = {"en": "any country", "fr": "tous les pays", "es": "todos los países"}
LANGUAGE_WORDS = {
    "en": {"en": "English", "fr": "French", "es": "Spanish"},
    "fr": {"en": "Anglais", "fr": "Français", "es": "Espagnol"},
    "es": {"en": "Inglés", "fr": "Francés", "es": "Español"},
}
GREETING = {
    "en": "Dear colleagues,\n\nplease find below our submission for the Cooperation Portal.\n",
    "fr": "Chers collègues,\n\nveuillez trouver ci-dessous notre contribution au Portail.\n",
    "es": "Estimados colegas,\n\nles enviamos a continuación nuestra solicitud para el Portal.\n",
}
SENTENCES = (
    "Contamination was confirmed in {n} villages during the last non-technical survey.",
    "The national authority has accredited {n} operators and coordinates their tasking.",
    "Teams work in remote districts where access is only possible in the dry season.",
    "Land released is handed over to communities for agriculture and school construction.",
    "The request follows the priorities of the national strategic plan and its annual work plan.",
    "Survivors and their families need long-term support close to where they live.",
    "We report progress every quarter through the national information management system.",
    "Quality management is carried out by the national authority with external monitors.",
    "Equipment currently in service is more than {n} years old and difficult to repair.",
    "Risk education sessions reach schools, markets and health centres in affected provinces.",
    "Women make up {n} percent of the survey and clearance teams deployed last year.",
    "The support would allow the completion of Article 4 obligations before the deadline.",
    "A gender and diversity plan accompanies each project funded through this window.",
    "Partners are asked to share their lessons learned through the regional platform.",
    "Grants are awarded for up to {n} months and can be renewed after an evaluation.",
    "Applications are reviewed by a committee that meets every {n} weeks.",
)


@dataclass(frozen=True)
class FocalPoint:
    actor: str
    email: str
    name: str
    language: str


@dataclass(frozen=True)
class Spec:
    """A need or an offer as codes: what a record holds and what a template says."""

    kind: str
    actor: str
    title: str
    countries: tuple[str, ...]
    areas: tuple[str, ...]
    assistance: tuple[str, ...]
    amount: Decimal | None
    currency: str | None
    period_start: date | None
    period_end: date | None
    languages: tuple[str, ...]
    reference: str | None
    description: str


def roster() -> list[FocalPoint]:
    """One focal point per actor that submits."""
    people = []
    for code in (*NEED_ACTORS, *OFFER_ACTORS):
        language = "fr" if code in FRENCH else "es" if code in SPANISH else "en"
        people.append(
            FocalPoint(
                code, f"focal.{code.lower()}@{code.lower()}.example", f"Focal {code}", language
            )
        )
    return people


class Corpus:
    """Draws specs and their filled templates from one seeded generator."""

    def __init__(self, seed: int = 1) -> None:
        self.rng = random.Random(seed)
        words = vocabulary()
        self.areas = list(words.area_codes)
        self.area_weights = [AREA_WEIGHTS.get(c, 1) for c in self.areas]
        self.forms = list(words.assistance_codes)
        self.form_weights = [ASSISTANCE_WEIGHTS.get(c, 1) for c in self.forms]
        self.subregions = ["035", "145", "014", "017", "011", "015", "005", "013", "039", "034",
                           "151", "142", "002", "419"]  # fmt: skip

    # ---- codes ----------------------------------------------------------------------------
    def _pick(self, codes: list[str], weights: list[int], low: int, high: int) -> tuple[str, ...]:
        count = self.rng.randint(low, high)
        chosen: dict[str, None] = {}
        while len(chosen) < count:
            chosen[self.rng.choices(codes, weights)[0]] = None
        return tuple(chosen)

    def spec(self, kind: str, actor: str | None = None) -> Spec:
        rng = self.rng
        if actor is None:
            actor = rng.choice(NEED_ACTORS if kind == "need" else OFFER_ACTORS)
        if kind == "need":
            countries: tuple[str, ...] = (actor,)
            areas = self._pick(self.areas, self.area_weights, 1, 3)
            forms = self._pick(self.forms, self.form_weights, 1, 2)
        else:
            roll = rng.random()
            if roll < 0.15:
                countries = ("any",)
            elif roll < 0.60:
                regions = rng.sample(self.subregions, rng.randint(1, 2))
                countries = tuple(f"region:{code}" for code in regions)
            else:
                countries = tuple(rng.sample(NEED_ACTORS, rng.randint(1, 5)))
            areas = self._pick(self.areas, self.area_weights, 1, 4)
            forms = self._pick(self.forms, self.form_weights, 1, 2)
        amount, currency = None, None
        if rng.random() < (0.6 if kind == "need" else 0.5):
            amount = Decimal(rng.choice((25, 50, 75, 120, 250, 400, 800, 1200, 2500))) * 1000
            currency = rng.choice(("USD", "USD", "EUR", "GBP", "CHF"))
        start, end = None, None
        if rng.random() < (0.75 if kind == "need" else 0.6):
            year, month = rng.randint(2026, 2028), rng.randint(1, 12)
            start = date(year, month, 1)
            months = rng.randint(6, 36 if kind == "need" else 48)
            last = date(year + (month + months - 1) // 12, (month + months - 1) % 12 + 1, 1)
            end = (last.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
        languages: tuple[str, ...] = ()
        if rng.random() < 0.7:
            languages = ("en",) if actor not in FRENCH | SPANISH else ("fr", "en")
            if actor in SPANISH:
                languages = ("es", "en")
        area_word = vocabulary().area_label(areas[0])
        place = "any country" if countries == ("any",) else _place(countries[0])
        title = (
            f"{area_word.capitalize()} in {place}"
            if kind == "need"
            else f"{area_word.capitalize()} support for {place}"
        )
        reference = f"National plan {rng.randint(2019, 2026)}-2030" if rng.random() < 0.4 else None
        return Spec(
            kind, actor, title[:200], countries, areas, forms, amount, currency, start, end,
            languages, reference, self.description(rng.randint(2, 6)),
        )  # fmt: skip

    def description(self, sentences: int) -> str:
        chosen = self.rng.sample(SENTENCES, sentences)
        return " ".join(s.format(n=self.rng.randint(3, 60)) for s in chosen)

    # ---- text -----------------------------------------------------------------------------
    def template(self, spec: Spec, lang: str, size: int) -> str:
        """The filled template as a focal point writes it, padded to about `size` bytes."""
        words = vocabulary()
        (type_, title, country, areas, forms, amount, period, languages, reference,
         description) = LABELS[lang]  # fmt: skip
        lines = [f"{type_}: {KIND_WORDS[lang][spec.kind == 'offer']}", f"{title}: {spec.title}"]
        if spec.kind == "offer" or self.rng.random() < 0.3:
            lines.append(f"{country}: {', '.join(_place(c, lang) for c in spec.countries)}")
        lines.append(f"{areas}: {', '.join(words.area_label(c, lang) for c in spec.areas)}")
        lines.append(
            f"{forms}: {', '.join(words.assistance_label(c, lang) for c in spec.assistance)}"
        )
        if spec.amount is not None:
            lines.append(f"{amount}: {_money(spec.amount, spec.currency or 'USD', self.rng)}")
        if spec.period_start and spec.period_end:
            joiner = {"en": "to", "fr": "au", "es": "a"}[lang]
            lines.append(f"{period}: {spec.period_start:%Y-%m} {joiner} {spec.period_end:%Y-%m}")
        if spec.languages:
            names = [LANGUAGE_WORDS[lang][code] for code in spec.languages]
            lines.append(f"{languages}: {', '.join(names)}")
        if spec.reference:
            lines.append(f"{reference}: {spec.reference}")
        text = "\n".join(lines) + f"\n{description}:\n{spec.description}\n"
        while len(text.encode()) < size - 400:  # headers and signature make up the rest
            text += "\n" + self.description(self.rng.randint(3, 6)) + "\n"
        return text

    def email(self, person: FocalPoint, spec: Spec, number: int) -> bytes:
        """A whole message from a focal point, 2–4 KB, as a mail client sends it."""
        lang = person.language
        size = self.rng.randint(2200, 4000)
        while True:
            raw = self._message(person, spec, number, self.template(spec, lang, size))
            if len(raw) <= 4000 or size < 1500:
                return raw
            size -= len(raw) - 3900  # non-ASCII text grows when encoded for transport

    def _message(self, person: FocalPoint, spec: Spec, number: int, template: str) -> bytes:
        lang = person.language
        body = GREETING[lang] + "\n" + template
        body += (
            f"\n-- \n{person.name}\nNational focal point, {person.actor}\nTel: +41 22 000 00 00\n"
        )
        message = EmailMessage()
        message["From"] = f"{person.name} <{person.email}>"
        message["To"] = f"submit@{DOMAIN}"
        message["Subject"] = KIND_WORDS[lang][spec.kind == "offer"].upper()
        message["Date"] = format_datetime(NOW)
        message["Message-ID"] = f"<bench.{number}@{person.actor.lower()}.example>"
        message.set_content(body)
        return message.as_bytes()


def _place(code: str, lang: str = "en") -> str:
    if code == "any":
        return ANY_WORDS[lang]
    if code.startswith("region:"):
        return vocabulary().region_label(code.removeprefix("region:"), lang)
    return country_name(code, lang)


def _money(amount: Decimal, currency: str, rng: random.Random) -> str:
    if currency == "EUR" and rng.random() < 0.5:
        return f"{int(amount):,} €".replace(",", " ")
    if amount >= 1_000_000 and rng.random() < 0.5:
        return f"{currency} {amount / 1_000_000:g}m"
    return f"{amount / 1000:g}k {currency}"
