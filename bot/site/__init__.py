"""The public static site of published records: gather, render, write.

Public API:
    gather(session, settings, generated_at, base_url="") -> Site   the only database read
    site_files(site) -> {path: text}                                pure: every page and data file
    write_site(files, out)                                          new folder, then swapped in
    build_site(sessions, settings, out, generated_at) -> Built      the three above, for the CLI
    site_fingerprint(sessions)                                      changes when the site would
"""

from bot.site.build import Built, build_site, site_files, write_site
from bot.site.model import Site, SiteMatch, SiteRecord, gather, site_fingerprint

__all__ = [
    "Built",
    "Site",
    "SiteMatch",
    "SiteRecord",
    "build_site",
    "gather",
    "site_files",
    "site_fingerprint",
    "write_site",
]
