"""The shipped units against their seeds: every item present, faithful, in our own words."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cmirev.loader import load_catalog
from cmirev.models import Catalog, Item, Misconception, Unit
from cmirev.paths import builtin_units_dir

from .conftest import shared_path

SEED_UNITS = {
    "000_a62d518bac9dc95f.txt": "public-services-leadership",
    "001_783397afc6746f43.txt": "collaborative-public-services-project",
    "002_f5d454a47aab4b7e.txt": "planning-to-meet-public-services-customer-requirements",
}
HEADERS = {
    "Key Concepts": "key-concepts",
    "Learning Objectives": "learning-outcomes",
    "Assessment Criteria": "assessment-criteria",
    "Assessment Guidance": "assessment-guidance",
    "Common Mistakes": "common-mistakes",
    "Before You Start": "before-you-start",
    "Key Terminology": None,  # repeats the outcomes: replaced by real key terms
    "Frequently Asked Questions": None,
}
FIELD_FOR = {
    "key-concepts": "concepts",
    "learning-outcomes": "learning_outcomes",
    "assessment-criteria": "assessment_criteria",
    "assessment-guidance": "guidance",
    "common-mistakes": "mistakes",
    "before-you-start": "prerequisites",
}
# Names, figures and demands that must survive the rewording whenever the seed bullet has them.
PROTECTED = [
    "Kotter",
    "Balanced Scorecard",
    "benchmarking",
    "Mehrabian",
    "7-38-55",
    "Shannon-Weaver",
    "transformational",
    "transactional",
    "situational",
    "SWOT",
    "PESTLE",
    "functional",
    "divisional",
    "matrix",
    "Customer Service Excellence",
    "gap analysis",
    "stakeholder mapping",
    "at least two",
    "action plan",
    "active listening",
    "team briefings",
    "stakeholder consultations",
    "early intervention",
    "confidential",
    "Level 5",
    "Level 7",
    "NHS",
    "police",
    "COVID-19",
    "public value",
    "audit trail",
    "KPI",
    "duty of care",
    "impartiality",
    "Level 3",
]
# Exact wording the content must keep (names and demands): not counted as copying.
ALLOWED_PHRASES = [
    "accurate, confidential record-keeping in line with legal and organisational requirements",
    "confidential record-keeping in line with legal and organisational requirements",
    "cmi level 5 diploma in management and leadership",
    "level 7 diploma in strategic management and leadership",
    "cmi level 6 award in public service leadership",
]
COPY_WORDS = 8  # a run this long shared with the seed counts as copied


def parse_seed(path: Path) -> list[tuple[str, int, str]]:
    """(section, position, text) for every bullet of a unit seed, outcomes split apart."""
    found: list[tuple[str, int, str]] = []
    section: str | None = None
    positions: dict[str, int] = {}
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if line in HEADERS:
            section = HEADERS[line]
            continue
        if not line.startswith("•") or section is None:
            continue
        text = line.lstrip("•").strip().lstrip("💡").strip()
        parts = re.split(r"\.,\s+", text) if section == "learning-outcomes" else [text]
        for part in parts:
            positions[section] = positions.get(section, 0) + 1
            found.append((section, positions[section], part.strip()))
    return found


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    """The shipped units, loaded and validated once."""
    return load_catalog([builtin_units_dir()], use_cache=False)


def item_text(item: Item) -> str:
    """All the text of an item that a learner reads."""
    parts = [item.heading, item.body]
    if isinstance(item, Misconception):
        parts = [item.claim, item.correction]
    return " ".join(parts)


def find_sourced(unit: Unit, section: str, position: int) -> list[tuple[str, Item]]:
    """The items of a unit whose recorded source is this seed section and position."""
    return [
        (field, item)
        for field, item in unit.items()
        if item.source is not None
        and item.source.section == section
        and item.source.position == position
        and item.source.seed in (None, unit.seed)
    ]


def words(text: str) -> list[str]:
    text = text.lower()
    for phrase in ALLOWED_PHRASES:
        text = text.replace(phrase, " ")
    return re.findall(r"[a-z0-9]+(?:['’-][a-z0-9]+)*", text)


def ngrams(text: str, n: int) -> set[tuple[str, ...]]:
    w = words(text)
    return {tuple(w[i : i + n]) for i in range(len(w) - n + 1)}


@pytest.mark.parametrize("seed", sorted(SEED_UNITS))
def test_every_seed_item_is_the_recorded_source_of_an_item(seed: str, catalog: Catalog) -> None:
    """Each bullet of each unit seed (outcomes split) is an item of the right section."""
    unit = catalog.get(SEED_UNITS[seed])
    assert unit is not None
    assert unit.seed == seed
    bullets = parse_seed(shared_path("seeds", seed))
    assert len(bullets) > 20
    missing = []
    for section, position, text in bullets:
        sourced = find_sourced(unit, section, position)
        expected = FIELD_FOR[section]
        if text.startswith("Misconception:"):
            expected = "misconceptions"
        if not any(field == expected for field, _ in sourced):
            missing.append(f"{section} #{position} -> {expected}: {text[:60]}")
    assert not missing, "seed items with no item in the data:\n" + "\n".join(missing)


@pytest.mark.parametrize("seed", sorted(SEED_UNITS))
def test_seed_items_keep_names_figures_and_demands(seed: str, catalog: Catalog) -> None:
    """A model name, figure or demand in a seed bullet appears in the item made from it."""
    unit = catalog.get(SEED_UNITS[seed])
    assert unit is not None
    lost = []
    for section, position, text in parse_seed(shared_path("seeds", seed)):
        ours = " ".join(item_text(i) for _, i in find_sourced(unit, section, position)).lower()
        for term in PROTECTED:
            if term.lower() in text.lower() and term.lower() not in ours:
                lost.append(f"{section} #{position}: '{term}'")
    assert not lost, "terms dropped in the rewording:\n" + "\n".join(lost)


@pytest.mark.parametrize("seed", sorted(SEED_UNITS))
def test_seed_items_are_in_our_own_words(seed: str, catalog: Catalog) -> None:
    """No item shares a run of eight words with its seed (names and demands excepted)."""
    unit = catalog.get(SEED_UNITS[seed])
    assert unit is not None
    seed_grams = ngrams(shared_path("seeds", seed).read_text(encoding="utf-8"), COPY_WORDS)
    copied = []
    texts = [unit.synopsis, unit.overview] + [item_text(i) for _, i in unit.items()]
    for text in texts:
        shared = ngrams(text, COPY_WORDS) & seed_grams
        if shared:
            copied.append(" ".join(sorted(shared)[0]))
    assert not copied, "runs copied from the seed:\n" + "\n".join(copied)


def test_readings_are_in_our_own_words(catalog: Catalog) -> None:
    """The readings unit shares no eight-word run with the report or the articles."""
    unit = catalog.get("leadership-in-practice")
    assert unit is not None
    grams: set[tuple[str, ...]] = set()
    for name in ("003_f6c652ce3a28f60e.txt", "004_c11ba22d910aae33.txt"):
        grams |= ngrams(shared_path("seeds", name).read_text(encoding="utf-8"), COPY_WORDS)
    copied = [
        text[:80]
        for text in [unit.synopsis, unit.overview] + [item_text(i) for _, i in unit.items()]
        if ngrams(text, COPY_WORDS) & grams
    ]
    assert not copied, "copied from the readings:\n" + "\n".join(copied)


def test_seed_units_have_split_outcomes_and_real_key_terms(catalog: Catalog) -> None:
    """Outcomes are one per item, and each seed unit defines at least 8 key terms."""
    for unit_id in SEED_UNITS.values():
        unit = catalog.get(unit_id)
        assert unit is not None
        assert len(unit.learning_outcomes) >= 3
        assert all("., " not in lo.text for lo in unit.learning_outcomes)
        assert len(unit.key_terms) >= 8, unit_id
        assert all(len(t.definition.split()) >= 12 for t in unit.key_terms), unit_id


def test_no_item_speaks_of_exams(catalog: Catalog) -> None:
    """CMI assesses by assignment: the content never says exam or examiner."""
    offenders = [
        f"{unit.id}/{item.id}"
        for unit in catalog.units
        for _, item in unit.items()
        if re.search(r"\bexam(s|iner|iners|ination)?\b", item_text(item), re.IGNORECASE)
    ]
    assert not offenders


def test_kotter_steps_are_in_order(catalog: Catalog) -> None:
    """Every unit that defines Kotter's model lists its eight steps from urgency to culture."""
    seen = 0
    for unit in catalog.units:
        for term in unit.key_terms:
            if term.id == "kotter-8-steps":
                seen += 1
                assert len(term.steps) == 8
                assert "urgency" in term.steps[0].lower()
                assert "cultur" in term.steps[-1].lower()
    assert seen >= 2


def test_overlaps_are_marked_across_units(catalog: Catalog) -> None:
    """The public-equals-private misconception is one idea shared by all three seed units."""
    siblings = catalog.siblings()
    group = siblings["public-services-leadership/public-equals-private"]
    assert {g.split("/")[0] for g in group} >= set(SEED_UNITS.values())
    assert (
        "planning-to-meet-public-services-customer-requirements/public-change-easier"
        not in (siblings["public-services-leadership/public-change-too-slow"])
    )


def test_readings_cover_the_report_and_articles(catalog: Catalog) -> None:
    """The readings unit has the four recommendations, the Camden figures and attributions."""
    unit = catalog.get("leadership-in-practice")
    assert unit is not None
    facts = " ".join(f"{f.statement} {f.attribution}" for f in unit.facts)
    for needle in ("65%", "90%", "10%", "22,000", "£10m", "NPQ", "Oflog", "NHS England"):
        assert needle.lower() in facts.lower().replace("22000", "22,000"), needle
    for author in ("Tizard", "Cooke", "Browes", "Bagley"):
        assert author in facts, author
    assert all(f.attribution.strip() for f in unit.facts)
    assert sum(1 for f in unit.facts if f.figure) >= 4


def test_every_item_records_a_source_a_learner_can_follow(catalog: Catalog) -> None:
    """Each item names the seed bullet it restates or entries of its unit's reference list
    (validate checks the ids resolve); a unit's reference list is what `show references` prints."""
    unsourced = [
        f"{unit.id}/{item.id}"
        for unit in catalog.units
        for _, item in unit.items()
        if item.source is None or not (item.source.section or item.source.refs)
    ]
    assert unsourced == []


def test_every_criterion_draws_on_at_least_five_items(catalog: Catalog) -> None:
    """A learner drilling toward a criterion has at least five items besides the criterion
    itself: items linked to an outcome the criterion evidences."""
    thin = {}
    for unit in catalog.units:
        for criterion in unit.assessment_criteria:
            linked = [
                item.id
                for _, item in unit.items()
                if item is not criterion
                and not isinstance(item, type(criterion))
                and set(item.outcomes) & set(criterion.outcomes)
            ]
            if len(linked) < 5:
                thin[f"{unit.id}/{criterion.id}"] = len(linked)
    assert thin == {}


def test_new_facts_are_checked_against_two_sources(catalog: Catalog) -> None:
    """A fact that is not from the seeds cites at least two references."""
    single = [
        f"{unit.id}/{item.id}"
        for unit in catalog.units
        for section, item in unit.items()
        if section == "facts"
        and item.source
        and not item.source.section
        and len(item.source.refs) < 2
    ]
    assert single == []
