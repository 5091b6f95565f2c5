"""The default sensor format's row rules (README "What gets loaded, and what gets rejected"), in plain
Python, for the benchmark: the seed pipeline validates with it, and the benchmark uses it to write the
valid-only copies that `psql \\copy` loads. It covers what scripts/gen-data writes (no quoted fields)."""
import datetime
import math

COLUMNS = ("ts", "sensor_id", "temperature", "humidity", "pressure", "battery")
REQUIRED = {"ts", "sensor_id", "temperature"}
RANGES = {"temperature": (-50.0, 150.0), "humidity": (0.0, 100.0), "pressure": (300.0, 1100.0),
          "battery": (0.0, 5.0)}
MEASURES = ("temperature", "humidity", "pressure", "battery")


def parse_ts(text):
    """An ISO-8601 timestamp with a zone -> aware datetime, or None."""
    if len(text) < 20 or text[10] not in "T ":
        return None
    if ":60" in text[16:19]:
        return None  # leap second
    try:
        when = datetime.datetime.fromisoformat(text.replace("Z", "+00:00") if text.endswith("Z") else text)
    except ValueError:
        return None
    return when if when.tzinfo is not None else None


def parse_float(text):
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def check(fields, header):
    """(reason, values) for one row split into fields; reason is '' for a valid row. values maps a column
    name to its parsed value (None for an empty optional one)."""
    if len(fields) != len(header):
        return "columns", None
    values = {}
    for name, text in zip(header, fields):
        if name not in COLUMNS:
            continue
        if text == "":
            if name in REQUIRED:
                return f"missing:{name}", None
            values[name] = None
            continue
        if name == "ts":
            when = parse_ts(text)
            if when is None:
                return "timestamp", None
            values[name] = when
        elif name == "sensor_id":
            values[name] = text
        else:
            value = parse_float(text)
            if value is None:
                return f"type:{name}", None
            low, high = RANGES[name]
            if not low <= value <= high:
                return f"range:{name}", None
            values[name] = value
    return "", values
