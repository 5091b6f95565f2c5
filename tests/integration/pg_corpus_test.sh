# the malformed-input corpus (tests/corpus): every file gives exactly its expected outcome (rows,
# rejects by reason, or a failed-file reason), never a crash, a hang or a silently missing row; plus symbolic
# link loops, a FIFO, an unreadable file and a file appended to while it is read. See tests/corpus/run_corpus.py.
source "$(dirname "$0")/lib.sh"
python3 "$SLUICE_TOP/tests/corpus/run_corpus.py" "$SLUICE_BIN" "$schema" "$work"
