#!/usr/bin/env bash
# The alerting rules of examples/prometheus pass `promtool check rules` and their unit tests (each alert firing
# and not firing). usage: promtool_rules_test.sh SOURCE_TREE
set -euo pipefail
top=${1:?source tree}
promtool check rules "$top/examples/prometheus/sluice-alerts.yml"
promtool test rules "$top"/examples/prometheus/tests/*.test.yml
