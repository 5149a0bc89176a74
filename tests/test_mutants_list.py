"""The mutants of `make mutants` stay meaningful: each still matches one place in the code
and changes it (a mutant that no longer applies would be reported as a kill of nothing)."""
import pytest

from mutants import MUTANTS, ROOT, check_applies


@pytest.mark.parametrize("m", MUTANTS, ids=lambda m: m.id)
def test_each_mutant_applies_to_the_code_as_it_is(m):
    assert check_applies(m) != (ROOT / m.path).read_text()


def test_every_part_of_the_model_and_the_engines_is_mutated():
    parts = {m.path.split("/")[1] if m.path.count("/") > 1 else m.path for m in MUTANTS}
    assert {"kernel", "engines", "render", "families"} <= parts
    assert len({m.id for m in MUTANTS}) == len(MUTANTS)
