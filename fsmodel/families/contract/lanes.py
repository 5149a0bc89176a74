"""The lanes of the os-contract family's trace diagrams."""

LANES = {"writer_fd": "writer", "writer_dup_fd": "writer", "written": "writer",
         "fsync_lied": "writer", "returned": "writer", "other_fd": "other"}
LANE_DOCS = {"writer": "a process that writes pages through its descriptors (and a dup), "
                       "fsyncs and closes them, and remembers what fsync returned"}
