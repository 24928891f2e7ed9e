"""Items the learner sets aside: which items a `suspend`, `unsuspend` or `bury` names, what was
done, and the list of what is set aside now.

A suspended item is left out of drills and due counts until it is unsuspended; a buried one
until the next study day starts. Both keep their history, and the items that state one idea in
several units (``same_as``) share one memory, so they are set aside together. The store keeps
the holds (:meth:`cmirev.store.Store.hold`); :class:`cmirev.study.Study` filters them out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from cmirev import content
from cmirev.errors import UsageError
from cmirev.localtime import when_text
from cmirev.study import Study


@dataclass(frozen=True)
class Done:
    """What a suspend, bury or unsuspend did: the items changed, those left as they were
    (already set aside, or not set aside), and the items not named that go with the changed
    ones because they state the same idea (same_as: one memory)."""

    changed: list[str]
    unchanged: list[str]
    twins: list[str]


def select(
    study: Study,
    names: Sequence[str] | None,
    units: Sequence[str] | None,
    sections: Sequence[str] | None,
    verb: str,
) -> list[str]:
    """The drillable items these names (unit/item, CODE/item, or an id one unit has) and
    this --unit/--section choice select, in the order given then catalog order. A UsageError
    that says what to type when they select nothing that is drilled."""
    if not names and not units and not sections:
        raise UsageError(
            f"name the items to {verb}: cmirev {verb} ITEM... (for example PSL/thomas-kilmann), "
            f"or cmirev {verb} --unit UNIT [--section SECTION]"
        )
    chosen: list[str] = []
    for name in names or ():
        gid = content.find_item(study.catalog, name)
        if gid not in study.entries:
            raise UsageError(
                f"{gid} is background to read, not a drilled item, so there is nothing to "
                f"{verb} (see 'cmirev help prerequisites')"
            )
        chosen.append(gid)
    if units or sections:
        picked = content.resolve_units(study.catalog, list(units) if units else None)
        fields = content.resolve_sections(list(sections) if sections else None)
        found = [
            gid
            for gid in study.items(picked, held=True)
            if fields is None or study.entries[gid].section in fields
        ]
        if not found:
            raise UsageError(
                "those units and sections hold no drilled items (prerequisites are read, not "
                "drilled: see 'cmirev units')"
            )
        chosen += found
    return list(dict.fromkeys(chosen))


def suspend(study: Study, gids: Sequence[str]) -> Done:
    """Suspend these items: out of drills and due counts until unsuspended."""
    changed = set(study.suspend([g for g in gids if _kind(study, g) != "suspended"]))
    return _done(study, gids, changed)


def bury(study: Study, gids: Sequence[str]) -> Done:
    """Bury these items until the next study day (a suspended item stays suspended)."""
    changed = set(study.bury([g for g in gids if _kind(study, g) is None]))
    return _done(study, gids, changed)


def unsuspend(study: Study, gids: Sequence[str]) -> Done:
    """Bring these items back into the drills, whether suspended or buried."""
    return _done(study, gids, set(study.unsuspend(gids)))


def _done(study: Study, gids: Sequence[str], changed: set[str]) -> Done:
    keys = {study.key(g) for g in changed}
    twins = [g for g in study.entries if study.key(g) in keys and g not in gids]
    return Done(
        [g for g in gids if g in changed], [g for g in gids if g not in changed], sorted(twins)
    )


def _kind(study: Study, gid: str) -> str | None:
    """How the item (or a same_as twin) is set aside now: suspended, buried, or None."""
    hold = study.hold_of(gid)
    return hold.kind if hold is not None else None


def listing(study: Study) -> list[dict[str, Any]]:
    """Every item set aside now, suspended first, each with its heading and since (or until)
    when, as JSON-ready records."""
    now = study.now()
    records = []
    for gid, hold in study.store.holds(now).items():
        entry = study.entries.get(gid)
        records.append(
            {
                "item": gid,
                "kind": hold.kind,
                "heading": entry.item.heading if entry else None,
                "since": hold.at.isoformat(),
                "until": hold.until.isoformat() if hold.until else None,
                "until_text": when_text(hold.until, now, study.tz) if hold.until else None,
            }
        )
    return sorted(records, key=lambda r: (r["kind"] != "suspended", r["item"]))


def summary(done: Done, verb: str, study: Study) -> list[str]:
    """What to tell the learner after a suspend, bury or unsuspend, a line or two."""
    past = {"suspend": "Suspended", "bury": "Buried", "unsuspend": "Brought back"}[verb]
    lines = []
    if done.changed:
        what = done.changed[0] if len(done.changed) == 1 else f"{len(done.changed)} items"
        after = {
            "suspend": "left out of drills and due counts until 'cmirev unsuspend' brings "
            + ("it" if len(done.changed) == 1 else "them")
            + " back; the history is kept",
            "bury": f"back in your drills {when_text(study.next_day_start(), study.now(), study.tz)}",
            "unsuspend": "back in your drills",
        }[verb]
        if done.twins:
            n = len(done.twins)
            named = done.twins[0] if n == 1 else f"{n} items"
            what += f" (with {named} stating the same idea{'s' * (len(done.changed) > 1)})"
        lines.append(f"{past} {what}: {after}.")
    if done.unchanged:
        was = {
            "suspend": "already suspended",
            "bury": "already out of today's drills",
            "unsuspend": "not suspended or buried",
        }[verb]
        items = ", ".join(done.unchanged[:5]) + (
            f" and {len(done.unchanged) - 5} more" if len(done.unchanged) > 5 else ""
        )
        lines.append(f"{items}: {was} (see 'cmirev suspend --list').")
    return lines
