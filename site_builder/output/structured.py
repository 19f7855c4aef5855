"""schema.org JSON-LD of a page, built from the model: WebSite (home), NewsArticle (release), Event
(meeting), Organization (mechanism).

The template only emits it, with Jinja's ``tojson`` (sorted keys; ``<``, ``>``, ``&`` and ``'`` escaped,
so no title can close the script element): what the data says is decided here, not in Jinja.
"""

from __future__ import annotations

from typing import Any, Callable, Optional

from ..content import countries
from ..content.model import Mechanism, Meeting, Release
from ..plan.routes import PageType, Route
from ..plan.urls import Urls
from ..plan.views import Views

JsonLd = dict[str, Any]
Translate = Callable[[str, str], str]  # (English msgid, lang) -> the interface string in lang
CONTEXT = "https://schema.org"


def N_(message: str) -> str:
    """Marks a string for ``pybabel extract`` (gettext_noop); it is translated where it is used."""
    return message


PUBLISHER = N_("Observatory for the Protection of Human Rights Defenders (FIDH-OMCT)")
MEETING_TITLE = N_("Inter-mechanisms meeting %(number)s")
DESCRIPTION_LENGTH = 300


def structured_data(views: Views, urls: Urls, t: Translate, route: Route) -> Optional[JsonLd]:
    """The JSON-LD of ``route``'s page, or None for a page that describes nothing in particular."""
    lang = route.lang
    publisher = {"@type": "Organization", "name": t(PUBLISHER, lang), "url": urls.absolute(urls.home(lang))}
    page_url = urls.absolute(route.path)
    if route.page == PageType.HOME:
        config = views.archive.config
        return {"@context": CONTEXT, "@type": "WebSite", "name": config.title, "description": config.description,
                "url": page_url, "inLanguage": lang, "publisher": publisher}
    if route.page == PageType.RELEASE:
        return _article(views, urls, t, route.context["release"], lang, page_url, publisher)
    if route.page == PageType.MEETING:
        return _event(views, urls, t, route.context["meeting"], lang, page_url, publisher)
    if route.page == PageType.MECHANISM:
        return _organization(route.context["mechanism"], page_url)
    return None


def meeting_title(meeting: Meeting, t: Translate, lang: str) -> str:
    """The meeting's own title, or "Inter-mechanisms meeting 5.1" in ``lang``."""
    return meeting.title or t(MEETING_TITLE, lang) % {"number": meeting.number}


def _article(views: Views, urls: Urls, t: Translate, release: Release, lang: str, page_url: str,
             publisher: JsonLd) -> JsonLd:
    data: JsonLd = {
        "@context": CONTEXT, "@type": "NewsArticle", "headline": release.title, "description": release.summary,
        "datePublished": release.date.isoformat(), "inLanguage": release.lang, "url": page_url,
        "mainEntityOfPage": page_url, "articleSection": views.archive.config.kind_label(release.kind, lang),
        "author": publisher, "publisher": publisher, "isAccessibleForFree": True,
    }
    keywords = [views.topics_by_id[topic].title for topic in release.topics]
    about = [{"@type": "Event", "name": meeting_title(views.meetings_by_number[number], t, lang),
              "url": urls.absolute(urls.meeting(views.meetings_by_number[number], lang))}
             for number in release.meetings]
    about += [_mechanism(views, urls, mechanism, lang) for mechanism in release.mechanisms]
    if keywords:
        data["keywords"] = keywords
    if about:
        data["about"] = about
    if release.countries:
        data["contentLocation"] = [{"@type": "Country", "name": countries.country_name(code, release.lang),
                                    "identifier": code} for code in release.countries]
    if release.place:
        data["locationCreated"] = {"@type": "Place", "name": release.place}
    return data


def _event(views: Views, urls: Urls, t: Translate, meeting: Meeting, lang: str, page_url: str,
           publisher: JsonLd) -> JsonLd:
    organizers = [publisher]
    if meeting.host in views.mechanisms_by_id:
        organizers.append(_mechanism(views, urls, meeting.host, lang))
    elif meeting.host:
        organizers.append({"@type": "Organization", "name": meeting.host})
    status = "EventCancelled" if meeting.status == "cancelled" else "EventScheduled"
    data: JsonLd = {
        "@context": CONTEXT, "@type": "Event", "name": meeting_title(meeting, t, lang), "url": page_url,
        "description": shorten(meeting.body_text, DESCRIPTION_LENGTH), "startDate": meeting.start.html(),
        "eventStatus": f"https://schema.org/{status}",
        "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode", "organizer": organizers,
    }
    if meeting.end:
        data["endDate"] = meeting.end.isoformat()
    attendees = [_mechanism(views, urls, mechanism, lang) for mechanism in meeting.participants]
    if attendees:
        data["attendee"] = attendees
    if meeting.city or meeting.country:
        address = {"@type": "PostalAddress"}
        if meeting.city:
            address["addressLocality"] = meeting.city
        if meeting.country:
            address["addressCountry"] = meeting.country
        data["location"] = {"@type": "Place", "name": meeting.place, "address": address}
    return data


def _organization(mechanism: Mechanism, page_url: str) -> JsonLd:
    data: JsonLd = {
        "@context": CONTEXT, "@type": "Organization", "name": mechanism.name, "alternateName": mechanism.short,
        "url": mechanism.url or page_url, "mainEntityOfPage": page_url,
        "description": shorten(mechanism.body_text, DESCRIPTION_LENGTH),
    }
    if mechanism.organisation and mechanism.organisation != mechanism.name:
        data["parentOrganization"] = {"@type": "Organization", "name": mechanism.organisation}
    if mechanism.established:
        data["foundingDate"] = str(mechanism.established)
    if mechanism.region:
        data["areaServed"] = mechanism.region
    return data


def _mechanism(views: Views, urls: Urls, mechanism_id: str, lang: str) -> JsonLd:
    return {"@type": "Organization", "name": views.mechanisms_by_id[mechanism_id].name,
            "url": urls.absolute(urls.mechanism(mechanism_id, lang))}


def shorten(text: str, length: int, end: str = "...", leeway: int = 5) -> str:
    """At most about ``length`` characters, cut at a word (Jinja's ``truncate``, so both agree)."""
    if len(text) <= length + leeway:
        return text
    return text[: length - len(end)].rsplit(" ", 1)[0] + end
