"""os-contract: the kernel model alone with a trivial writer, checking fsync honesty.

"fsync returned 0 on a description" implies every write made to the file before that fsync
began is on disk (docs/model.md §7; the assumption of #1).
"""
from fsmodel.families.contract import ContractSpec

SPEC = ContractSpec(
    id="os-contract",
    summary="the kernel alone with a trivial writer: does fsync returning 0 mean on disk?",
    sources=("#1", "wiki"),
    bounds={"crashes": 0},
)
