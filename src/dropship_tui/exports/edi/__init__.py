"""EDI X12 both ways, pure: ``reader`` turns X12 text into checked envelopes,
``writer`` builds envelopes from a partner profile and caller-given control numbers, and
one module per transaction set maps it to and from our records (``x850`` in; ``x855``,
``x856``, ``x810``, ``x846``, ``x997`` out). Mapping tables and choices: docs/edi.md."""
