"""What a processor builds once per process, built at its start rather than in the write
transaction of its first message: the template reader's indexes of labels, countries, languages
and currencies (half a second to two seconds here, while the other writers, intake among them,
would wait on SQLite's lock). Message templates are still compiled at their first use: there
are about two hundred, most of them seldom needed."""

from __future__ import annotations

import logging
import time

from bot.parsing.language import detect_language
from bot.parsing.parser import parse_submission

log = logging.getLogger(__name__)

# A filled template touching each kind of value the reader looks up (written as a focal point
# would; its content is read and thrown away).
SAMPLE = """\
Type: need
Title: Technical survey of two districts
Country: Lao PDR
Areas: technical survey, clearance, victim assistance
Assistance: financial, equipment, training
Amount: USD 250,000
Period: January 2027 - June 2028
Languages: English, French
Contact: Ms Vong, National Regulatory Authority
Description: Survey teams for the suspected hazardous areas of two districts.
"""


def warm_up() -> None:
    started = time.perf_counter()
    parse_submission(SAMPLE, "NEED", writer_countries=("LAO",))
    detect_language("Need", SAMPLE)
    log.debug("the template reader is ready in %.2f s", time.perf_counter() - started)
