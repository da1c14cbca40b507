"""The three triage paths every channel is driven through, for every authority."""

# Three children: what the practitioner writes, what they would answer, and the level each
# authority's document gives (Peterborough has three levels).
OPEN_WORRY = "worried about a boy in my class, something doesn't feel right"
SETTLED = "I'm worried about a yr 3 girl who is often tired in class. Mum is working with us, no support in place yet"
TRIAGE_PATHS = {
    "additional needs": (
        SETTLED,
        {"harm": "no", "impact": "some", "services": "one"},
        {"peterborough": 1, "default": 2},
    ),
    "complex needs": (
        SETTLED,
        {"harm": "no", "impact": "serious", "services": "one"},
        {"peterborough": 2, "default": 3},
    ),
    "statutory": (
        OPEN_WORRY,
        {"harm": "yes", "impact": "serious", "services": "several", "carers": "not_engaging",
         "support": "tried_not_enough", "pattern": "repeated"},
        {"peterborough": 3, "default": 4},
    ),
}


def expected_level(path: str, slug: str) -> int:
    return TRIAGE_PATHS[path][2].get(slug, TRIAGE_PATHS[path][2]["default"])
