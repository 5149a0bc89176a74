"""PostgreSQL in the key-value engines' words (--option client=on): what its client sees."""
from fsmodel.config import make_config
from fsmodel.engines import native
from fsmodel.families.base import family_of
from fsmodel.run import registry


def check(spec_id: str, os: str, **options):
    entry = registry.find(spec_id)
    cfg = make_config(os, "ext4", [], {}, defaults=entry.bounds, options=options,
                      family=family_of(entry))
    return native.check(entry.build(cfg), progress=None)


def test_postgres_in_the_clients_words_splits_its_durability_violation():
    # --option client=on: a row whose page recovery cannot rebuild reads an older committed
    # version (old-value) or nothing (key-not-found); either is a durability violation, and
    # the shortest durability one is the shorter of the two
    res = check("pg-panic", "netbsd", client=True)
    got = {p: res.traces[p].length for p, v in res.verdicts.items() if v == "violated"}
    assert {"old-value", "key-not-found", "durability"} <= set(got)
    assert got["durability"] == min(got["old-value"], got["key-not-found"])
    assert got["old-value"] > got["key-not-found"]      # a second commit to the row first
    plain = check("pg-panic", "netbsd")
    assert "old-value" not in plain.verdicts and plain.verdicts["durability"] == "violated"
