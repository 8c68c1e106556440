"""Search over what a user may see: directives, plans, reports and study materials.

`text` folds and highlights words (the same folding for the index and the query), `models` holds
the denormalised table, `index` keeps it in step with the documents, `query` ranks and pages the
hits a user may open. Nothing is imported here, so that `reports.models` can import the table.
"""
