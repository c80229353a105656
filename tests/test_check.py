"""The checker: applied / missed / forbidden-present / skipped, case- and inflection-aware."""
from glossary import Context, Term, TermMatcher, TermStatus, check_segment, find_rendering
from translate.english import article_for, fix_around

TERMS = [
    Term("공감지능", "Affectionate Intelligence", forbidden=("empathetic intelligence",)),
    Term("전장", "vehicle components", context=Context(unless=("병사",))),
    Term("웹OS", "webOS"),
]
MATCHER = TermMatcher(TERMS)


def statuses(source, translation):
    return [r.status for r in check_segment(MATCHER.find(source), translation)]


def test_statuses():
    assert statuses("공감지능을", "It uses Affectionate Intelligence.") == [TermStatus.APPLIED]
    assert statuses("공감지능을", "It uses affectionate intelligence.") == [TermStatus.APPLIED]
    assert statuses("공감지능을", "It uses public intelligence.") == [TermStatus.MISSED]
    assert statuses("공감지능을", "Affectionate Intelligence, or Empathetic Intelligence") == [
        TermStatus.FORBIDDEN]
    assert statuses("병사가 전장에", "The soldier on the battlefield") == [TermStatus.SKIPPED]


def test_inflection_and_spacing():
    assert find_rendering("vehicle components", "a vehicle component maker")
    assert find_rendering("vehicle components", "vehicle-components")
    assert find_rendering("built-in", "Built in ovens")
    assert not find_rendering("webOS", "webO and websites")
    assert not find_rendering("HVAC", "HVACR")


def test_each_occurrence_needs_its_own_rendering():
    src = "공감지능과 공감지능"
    assert statuses(src, "Affectionate Intelligence and AI") == [TermStatus.APPLIED,
                                                                TermStatus.MISSED]


def test_articles_and_capitals_around_terms():
    assert article_for("HVAC") == "an" and article_for("B2B") == "a"
    assert article_for("EV charging") == "an" and article_for("webOS") == "a"
    assert article_for("unit") == "a" and article_for("hour") == "an"
    assert fix_around("It is a HVAC unit.", "HVAC") == "It is an HVAC unit."
    assert fix_around("An signage", "signage") == "A signage"
    assert fix_around("vehicle components grew.", "vehicle components") == (
        "Vehicle components grew.")
    assert fix_around("webOS grew.", "webOS") == "webOS grew."


def test_inflection_is_symmetric_and_covers_possessives_and_verbs():
    assert find_rendering("vehicle component", "new vehicle components")       # sg → pl
    assert find_rendering("vehicle components", "each vehicle component")       # pl → sg
    assert find_rendering("vehicle components", "the vehicle components' share")
    assert find_rendering("battery", "two batteries") and find_rendering("batteries", "a battery")
    assert find_rendering("box", "boxes") and find_rendering("boxes", "a box")
    assert find_rendering("HVAC", "HVAC's margin") and find_rendering("HVAC", "two HVACs")
    assert find_rendering("Affectionate Intelligence", "Affectionate Intelligence's goal")
    assert find_rendering("subscribe", "customers subscribed") and find_rendering(
        "subscribe", "subscribing to it") and find_rendering("empathize", "it empathizes")
    assert find_rendering("customer touchpoint", "customer touchpoints’")
    assert not find_rendering("vehicle components", "vehicle componentry")
    assert not find_rendering("line", "the liner") and not find_rendering("webOS", "webOSes")
    assert not find_rendering("HVAC", "HVACR") and not find_rendering("EV", "EVE")


def test_a_plural_target_is_applied_when_written_singular():
    records = check_segment(MATCHER.find("전장사업본부는"), "The vehicle component division")
    assert [(r.surface, r.status) for r in records] == [("전장", TermStatus.APPLIED)]
