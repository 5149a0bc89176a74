"""toylog: the toy family's spec (tests/toylog/toylog_family.py), checked as a user checks a
spec file of their own: ``fsmodel check tests/toylog/toylog.py --os linux-5.8``."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))   # its family, beside it

from toylog_family import ToyLog  # noqa: E402

SPEC = ToyLog(
    id="toylog",
    summary="a writer appends records and publishes their count by renaming a manifest",
    sources=("LevelDB's MANIFEST and CURRENT, written as a temporary file and renamed",),
    bounds={"files": 3, "pages": 2, "crashes": 1, "faults": 1},
)
