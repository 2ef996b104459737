"""Other formats of our records, both ways: the import file format, the platform's JSON
(translate shipment, EDI 850 as JSON) and, later, EDI X12. Pure: no store, no I/O."""
