#!/usr/bin/env python3
"""Checks examples/grafana/sluice.json and examples/prometheus/sluice-alerts.yml against what sluice really writes.

usage: check_monitoring_kit.py --dashboard JSON --rules YAML METRICS_FILE...

The METRICS_FILEs are --metrics-file outputs of real sluice runs. Every metric name in every PromQL expression of
the dashboard (panels and template variables) and of the alert rules must be one of the names they hold, and
every label a selector or a by/without/on/ignoring list names must be one those metrics carry (or instance/job,
which Prometheus adds). Checks the dashboard's structure and the rules' shape too. Exits 1 listing what is wrong.
"""
import argparse
import json
import re
import sys

import yaml  # Debian: python3-yaml

TARGET_LABELS = {"instance", "job"}  # added by Prometheus to every scraped series
KEYWORDS = {"and", "or", "unless", "bool", "offset", "inf", "nan", "atan2"}
# Aggregations may be followed by `by (...)` or `without (...)` before their parenthesis.
AGGREGATIONS = {"sum", "min", "max", "avg", "group", "stddev", "stdvar", "count", "count_values", "bottomk", "topk",
                "quantile"}
GROUPING = {"by", "without", "on", "ignoring", "group_left", "group_right"}
IDENT = re.compile(r"[A-Za-z_:][A-Za-z0-9_:]*")
NUMBER = re.compile(r"[0-9][0-9.]*([eE][+-]?[0-9]+)?")
SAMPLE = re.compile(r"^([A-Za-z_:][A-Za-z0-9_:]*)(\{(.*)\})?\s+(\S+)$")
LABEL_PAIR = re.compile(r'([A-Za-z_][A-Za-z0-9_]*)="((?:[^"\\]|\\.)*)"')


def read_exposition(paths):
    """{metric name: set of label names} over every sample of the files."""
    metrics = {}
    for path in paths:
        with open(path) as text:
            for line in text:
                line = line.strip()
                if not line or line.startswith("#"):
                    continue
                match = SAMPLE.match(line)
                if not match:
                    raise SystemExit(f"{path}: not a sample line: {line!r}")
                labels = {name for name, _ in LABEL_PAIR.findall(match.group(3) or "")}
                metrics.setdefault(match.group(1), set()).update(labels)
    return metrics


def skip_string(expr, at):
    quote = expr[at]
    at += 1
    while at < len(expr) and expr[at] != quote:
        at += 2 if expr[at] == "\\" else 1
    return at + 1


def closing(expr, at, opening, close):
    """The index after the bracket that closes expr[at] (an opening bracket), strings skipped."""
    depth = 0
    while at < len(expr):
        char = expr[at]
        if char in "\"'`":
            at = skip_string(expr, at)
            continue
        depth += char == opening
        depth -= char == close
        at += 1
        if depth == 0:
            return at
    raise ValueError(f"unbalanced {opening} in {expr!r}")


def matcher_labels(selector):
    """Label names of a {...} selector's matchers."""
    body = re.sub(r'"(?:[^"\\]|\\.)*"', '""', selector[1:-1])
    return [name.strip() for name in re.findall(r"([A-Za-z_][A-Za-z0-9_]*)\s*(?:=~|!~|!=|=)", body)]


def promql_refs(expr):
    """(metrics [(name, [matcher labels])], grouping labels) of one PromQL expression."""
    metrics, grouping, at = [], [], 0
    while at < len(expr):
        char = expr[at]
        if char in "\"'`":
            at = skip_string(expr, at)
        elif char == "[":
            at = closing(expr, at, "[", "]")
        elif char == "$":  # a Grafana variable: $name or ${name}
            at = closing(expr, at + 1, "{", "}") if expr[at + 1 : at + 2] == "{" else IDENT.match(expr, at + 1).end()
        elif char.isdigit():
            at = NUMBER.match(expr, at).end()
        elif IDENT.match(expr, at):
            name = IDENT.match(expr, at).group(0)
            at += len(name)
            rest = at + len(expr[at:]) - len(expr[at:].lstrip())
            following = expr[rest : rest + 1]
            if name.lower() in GROUPING:
                if following == "(":
                    end = closing(expr, rest, "(", ")")
                    grouping += [label.strip() for label in expr[rest + 1 : end - 1].split(",") if label.strip()]
                    at = end
            elif name.lower() in KEYWORDS | AGGREGATIONS or following == "(":
                pass  # an operator, or a function / aggregation: its arguments are read on
            elif following == "{":
                end = closing(expr, rest, "{", "}")
                metrics.append((name, matcher_labels(expr[rest:end])))
                at = end
            else:
                metrics.append((name, []))
        else:
            at += 1
    return metrics, grouping


def check_expr(where, expr, real, problems):
    try:
        metrics, grouping = promql_refs(expr)
    except ValueError as error:
        problems.append(f"{where}: {error}")
        return []
    if not metrics:
        problems.append(f"{where}: no metric in {expr!r}")
    known_labels = set(TARGET_LABELS)
    for name, labels in metrics:
        if name not in real:
            problems.append(f"{where}: {name} is not a metric sluice writes")
            continue
        known_labels |= real[name]
        for label in labels:
            if label not in real[name] | TARGET_LABELS:
                problems.append(f"{where}: {name} has no label {label} (it has {sorted(real[name])})")
    for label in grouping:
        if label not in known_labels:
            problems.append(f"{where}: groups by {label}, which none of its metrics carries")
    return [name for name, _ in metrics]


def check_dashboard(path, real, problems):
    with open(path) as text:
        board = json.load(text)
    for key, kind in (("title", str), ("uid", str), ("schemaVersion", int), ("panels", list), ("templating", dict)):
        if not isinstance(board.get(key), kind):
            problems.append(f"dashboard: {key} missing or not a {kind.__name__}")
    variables = {v.get("name") for v in board.get("templating", {}).get("list", [])}
    used = []
    for variable in board.get("templating", {}).get("list", []):
        if variable.get("type") != "query":
            continue
        query = variable.get("query", {})
        query = query.get("query", "") if isinstance(query, dict) else query
        match = re.fullmatch(r"\s*label_values\((.*),\s*([A-Za-z_][A-Za-z0-9_]*)\)\s*", query)
        if not match:
            problems.append(f"dashboard variable {variable.get('name')}: not label_values(METRIC, LABEL): {query!r}")
            continue
        where = f"dashboard variable {variable.get('name')}"
        names = check_expr(where, match.group(1), real, problems)
        if names and match.group(2) not in set().union(*(real.get(n, set()) for n in names)) | TARGET_LABELS:
            problems.append(f"{where}: label {match.group(2)} is not on {names}")
    ids = set()
    for panel in board.get("panels", []):
        where = f"dashboard panel {panel.get('id')} {panel.get('title')!r}"
        if panel.get("id") in ids or not isinstance(panel.get("id"), int):
            problems.append(f"{where}: id missing or not unique")
        ids.add(panel.get("id"))
        grid = panel.get("gridPos", {})
        if not all(isinstance(grid.get(k), int) for k in "xywh") or grid.get("x", 0) + grid.get("w", 0) > 24:
            problems.append(f"{where}: gridPos must have integer x, y, w, h within 24 columns")
        if not panel.get("type") or not panel.get("title"):
            problems.append(f"{where}: type and title are required")
        if panel.get("type") == "row":
            continue
        if panel.get("datasource", {}).get("uid") != "${datasource}" or "datasource" not in variables:
            problems.append(f"{where}: datasource must be the dashboard's ${{datasource}} variable")
        targets = panel.get("targets") or []
        if not targets:
            problems.append(f"{where}: no targets")
        if len({t.get("refId") for t in targets}) != len(targets):
            problems.append(f"{where}: refIds not unique")
        for target in targets:
            expr = target.get("expr")
            if not isinstance(expr, str) or not expr.strip():
                problems.append(f"{where}: target {target.get('refId')} has no expr")
                continue
            for variable in re.findall(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)", expr):
                if variable not in variables:
                    problems.append(f"{where}: ${variable} is not a dashboard variable")
            used += check_expr(where, expr, real, problems)
    return set(used)


def check_rules(path, real, problems):
    with open(path) as text:
        document = yaml.safe_load(text)
    used = []
    rules = [rule for group in document.get("groups", []) for rule in group.get("rules", [])]
    if not rules:
        problems.append("rules: none")
    for rule in rules:
        where = f"rule {rule.get('alert')}"
        if not rule.get("alert") or not isinstance(rule.get("expr"), str):
            problems.append(f"{where}: alert and expr are required")
            continue
        if "for" not in rule or rule.get("labels", {}).get("severity") not in {"critical", "warning", "info"}:
            problems.append(f"{where}: needs for: and a severity label (critical, warning, info)")
        for annotation in ("summary", "description"):
            text = rule.get("annotations", {}).get(annotation, "")
            if "$labels.instance" not in text or "$labels.shard" not in text:
                problems.append(f"{where}: the {annotation} annotation must name $labels.instance and $labels.shard")
        used += check_expr(where, rule["expr"], real, problems)
    return set(used)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dashboard", required=True)
    parser.add_argument("--rules", required=True)
    parser.add_argument("metrics_files", nargs="+")
    args = parser.parse_args()
    real = read_exposition(args.metrics_files)
    if not real:
        raise SystemExit("no samples in the metrics files")
    problems = []
    on_board = check_dashboard(args.dashboard, real, problems)
    in_rules = check_rules(args.rules, real, problems)
    # What the dashboard must show, as the operations kit promises.
    for name in ("sluice_run_files", "sluice_run_rows", "sluice_run_rejected_rows", "sluice_run_stage_seconds",
                 "sluice_run_last_success_timestamp_seconds"):
        if name not in on_board:
            problems.append(f"dashboard: no panel shows {name}")
    for problem in problems:
        print(f"FAIL: {problem}")
    if problems:
        return 1
    print(f"ok - {len(on_board)} metrics on the dashboard, {len(in_rules)} in the rules, all among the "
          f"{len(real)} that sluice wrote")
    print(f"not on the dashboard: {sorted(set(real) - on_board) or 'none'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
