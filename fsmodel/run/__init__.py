"""Running checks: ``registry`` finds specs, ``cells`` checks one spec under one policy,
``matrix`` runs many cells in worker processes, ``validate`` a patch against its baseline,
``sweep`` grows the bounds, ``known`` replays the known traces, ``bench`` measures the
engines.  The command line and the Python API call these and print or return the results."""
