"""Families: each one application protocol checked against the kernel model.

A family owns its processes, their state, the bounds and options it reads, its properties with
their documentation, and the lanes its traces are drawn in.  It builds a ``Spec`` over a
``Kernel``; the kernel model and the engines know nothing of any family.

``postgres``: PostgreSQL's write, fsync-request, checkpoint and recovery protocol, whose
variants are the shipped specs and patches.  ``contract``: the OS contract on the kernel alone,
with a trivial writer.  ``descriptors``: how a family declares the variables that hold
descriptions, once, for the kernel's slot count, its pools, and a process's exit.
"""
