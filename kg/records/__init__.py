"""Plain records of documents, activities and indicators, made from the typed model
(:mod:`kg.records.from_model`) or from the store (:mod:`kg.records.from_store`): the context the
audit rules read (:mod:`kg.records.context`) and the flat indicator records copy detection
reads (:func:`kg.records.indicators.records_from_context`), which ``kg duplicates --input``
files also hold."""
