"""Privacy: who may read sensitive data beyond their role, the record of every look, consent,
retention and the data subject's export — a part of the kernel, for every app's data.

It names no business model. An app takes part through its `privacy.py` contribution module
(found by `intimacy_ops.discovery`), calling `privacy.declare`: its data subjects (a model whose
records are about a person or an organisation, with their sensitive fields, owner, consent flags
and legal hold), its retention kinds and its subject-export sections.
"""
