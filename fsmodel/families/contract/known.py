"""The os-contract family's known trace: the shortest violation of the OS contract."""
from ..base import Known
from .properties import HONESTY

KNOWN = (
    Known("C1", "the OS contract: the second fsync returns 0 (shortest found)",
          "os-contract", "linux-4.16", HONESTY,
          "open; write; fault(kind=transient); fsync(via=fd); fsync(via=fd)"),
)
