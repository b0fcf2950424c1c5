"""What a GX validation result carries of its failing rows (no GX import: checkpoint.py needs these
before it knows whether any rule has rows to judge)."""

# Columns GX reports for each failing row (Data Docs list them; violations look rows up by check_row).
INDEX_COLUMNS = ["source_file", "line_no", "check_row"]
ROWS_SHOWN = 20  # failing rows whose compared values a result (and its Data Docs page) carries
# Every failing row by its index columns (what quality.violations needs), the compared values of the
# first ROWS_SHOWN only: GX converts each Decimal value of a result through a stack inspection
# (~1 ms of CPU apiece), so the values of every failing row made the checks O(findings): 18 CPU s
# for 1,646 findings, 5.7 without them (1k findings-heavy corpus of bench/run.py).
RESULT_FORMAT = {
    "result_format": "COMPLETE",
    "unexpected_index_column_names": INDEX_COLUMNS,
    "exclude_unexpected_values": True,
    "include_unexpected_rows": True,
    "partial_unexpected_count": ROWS_SHOWN,
    "return_unexpected_index_query": False,
}
