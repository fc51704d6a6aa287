#!/usr/bin/env python3
"""The Grafana dashboard is valid JSON, every query names only metrics that a live scrape
has, and a real Prometheus accepts every query.

usage: check_dashboard.py DASHBOARD.json SCRAPE.txt PROMETHEUS_URL
"""
import json
import re
import sys
import urllib.error
import urllib.parse
import urllib.request

# PromQL words that look like metric names but are not
KEYWORDS = {"by", "without", "on", "ignoring", "group_left", "group_right", "bool",
            "and", "or", "unless", "offset", "inf", "nan"}


def metric_names(expr):
    e = re.sub(r'"(?:[^"\\]|\\.)*"', '""', expr)   # strings (label values, legend text)
    e = re.sub(r"\{[^}]*\}", "", e)                 # label matchers
    e = re.sub(r"\[[^\]]*\]", "", e)                # range selectors
    e = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", "", e)  # label lists
    names = set()
    for m in re.finditer(r"(?<![\w.])([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(\()?", e):
        if m.group(2) is None and m.group(1).lower() not in KEYWORDS:
            names.add(m.group(1))
    return names


def scraped_names(text):
    return {re.match(r"[a-zA-Z_:][a-zA-Z0-9_:]*", line).group(0)
            for line in text.splitlines() if line and not line.startswith("#")}


def queries(dashboard):
    for panel in dashboard["panels"]:
        for target in panel.get("targets", []):
            yield panel["title"], target["expr"]


def prometheus_error(url, expr):
    """None if Prometheus evaluates the query (with Grafana's variables filled in), else its error."""
    concrete = expr.replace("$__rate_interval", "1m").replace("$__range", "5m")
    try:
        with urllib.request.urlopen(url + "/api/v1/query?" + urllib.parse.urlencode({"query": concrete}), timeout=10) as r:
            answer = json.load(r)
    except urllib.error.HTTPError as e:  # 400/422: a query it refuses
        answer = json.load(e)
    return None if answer["status"] == "success" else answer.get("error", "refused")


def main():
    dashboard_file, scrape_file, prometheus = sys.argv[1:4]
    with open(dashboard_file) as f:
        dashboard = json.load(f)  # raises on invalid JSON
    have = scraped_names(open(scrape_file).read())
    problems, checked = [], 0
    for title, expr in queries(dashboard):
        checked += 1
        missing = sorted(n for n in metric_names(expr) if n not in have)
        if missing:
            problems.append(f"{title!r}: {expr}\n    names no scraped metric: {', '.join(missing)}")
        elif not metric_names(expr):
            problems.append(f"{title!r}: {expr}\n    names no metric at all")
        error = prometheus_error(prometheus, expr)
        if error:
            problems.append(f"{title!r}: Prometheus refuses {expr}\n    {error}")
    if checked == 0:
        problems.append("the dashboard has no queries")
    for p in problems:
        print("dashboard: " + p)
    print(f"dashboard: {checked} queries checked against {len(have)} scraped metric names, {len(problems)} problems")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
