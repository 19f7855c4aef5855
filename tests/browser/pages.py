"""The page types of the fixture archive that the browser tests open, by a short name used in file names."""

PAGES: dict[str, str] = {
    "home": "",
    "home-es": "es/",
    "release": "releases/2010/renewed-commitment/",
    "release-fr": "fr/releases/2010/renewed-commitment/",
    "release-hostile": "releases/2014/statement/",
    "releases": "releases/",
    "releases-page-2": "releases/page/2/",
    "year": "releases/2014/",
    "meetings": "meetings/",
    "meeting": "meetings/5-1/",
    "meeting-cancelled": "meetings/6/",
    "mechanisms": "mechanisms/",
    "mechanism": "mechanisms/coe-commissioner/",
    "topics": "topics/",
    "topic": "topics/cooperation/",
    "page": "about/",
    "search": "search/",
    "not-found": "no/such/page/",
}
