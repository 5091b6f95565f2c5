#!/usr/bin/env python3
"""Writes the real-world-shaped samples of the `sluice infer` tests (tests/infer/<case>/<file>.csv).

Deterministic (fixed seeds): run it again and the files do not change. Each sample is shaped like a
public data set nobody here wrote, with what made infer fail on them: heavy tails (a 120 mm rain day,
storm gusts), humidity with many 100s, -99.99 / -9.99 / -1 no-data values, a `location` column with two
cities, `Date` and `date` columns, hourly local time across both DST switches (numeric offsets), epoch
milliseconds, and 10-digit phone numbers in the epoch-seconds range.

Beside each sample, expected.json (the config infer prints) and expected_notes.txt (its stderr notes)
are written by the unit test with SLUICE_INFER_UPDATE=1, to be reviewed like code.
"""
import datetime as dt
import math
import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))


def write(case, name, header, rows):
    folder = os.path.join(HERE, case)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, name), "w", newline="") as out:
        out.write(",".join(header) + "\n")
        for row in rows:
            out.write(",".join(str(v) for v in row) + "\n")


def days(start, count):
    return [start + dt.timedelta(days=i) for i in range(count)]


def season(day, phase=0.0):
    """-1 in mid-January .. +1 in mid-July."""
    return -math.cos(2 * math.pi * (day.timetuple().tm_yday - 15 + phase) / 365.25)


def daily_weather(rng, day, mean, swing, wet):
    s = season(day)
    temp_max = round(mean + 4 + swing * s + rng.gauss(0, 3), 1)
    temp_min = round(temp_max - 5 - abs(rng.gauss(3, 2)), 1)
    rain = rng.random() < wet * (1 - 0.4 * s)
    precipitation = round(max(0.3, rng.expovariate(1 / 5.5)), 1) if rain else 0.0
    wind = round(max(0.4, rng.gammavariate(4, 0.8)), 1)
    return precipitation, temp_max, temp_min, wind


def seattle_daily():
    """Like the Seattle weather file: date,precipitation,temp_max,temp_min,wind,weather (4 years)."""
    rng = random.Random(18_01)
    rows = []
    for day in days(dt.date(2012, 1, 1), 1461):
        precipitation, temp_max, temp_min, wind = daily_weather(rng, day, 12, 9, 0.5)
        if day == dt.date(2013, 11, 6):
            precipitation, wind = 120.4, 9.5  # a record storm day
        if day in (dt.date(2012, 12, 17), dt.date(2015, 11, 17)):
            wind = 13.2 if day.year == 2012 else 12.8  # gusty days
        if precipitation > 0:
            weather = "snow" if temp_max < 2 else rng.choice(["rain", "rain", "drizzle"])
        else:
            weather = rng.choice(["sun", "sun", "sun", "fog"])
        rows.append([day.isoformat(), precipitation, temp_max, temp_min, wind, weather])
    write("daily_station", "seattle-weather.csv", ["date", "precipitation", "temp_max", "temp_min", "wind", "weather"],
          rows)


def two_cities():
    """Two cities in one daily file, `Date` capitalised, a `location` column, humidity with many 100s."""
    rng = random.Random(18_02)
    cities = [("New York", 13, 12, 0.35), ("Seattle", 12, 9, 0.5)]
    rows = []
    for day in days(dt.date(2024, 1, 1), 731):
        for city, mean, swing, wet in cities:
            precipitation, temp_max, temp_min, wind = daily_weather(rng, day, mean, swing, wet)
            if city == "New York" and day == dt.date(2024, 8, 6):
                precipitation = 98.6  # a tropical-storm day
            humidity = min(100, round(rng.gauss(88 if precipitation else 72, 11)))
            pressure = round(1013 + rng.gauss(0, 8), 1)
            rows.append([day.isoformat(), city, precipitation, temp_max, temp_min, wind, humidity, pressure])
    write("two_cities", "weather-two-cities.csv",
          ["Date", "location", "precipitation", "temp_max", "temp_min", "wind", "humidity", "pressure"], rows)


def berlin_offset(utc):
    """Central European time with summer time (last Sunday of March/October at 01:00 UTC), in 2025."""
    summer = dt.datetime(2025, 3, 30, 1) <= utc < dt.datetime(2025, 10, 26, 1)
    return dt.timedelta(hours=2 if summer else 1)


def hourly_local():
    """Hourly weather in Berlin local time with numeric offsets across both DST switches."""
    rng = random.Random(18_03)
    rows = []
    for start in (dt.datetime(2025, 3, 20), dt.datetime(2025, 10, 16)):
        for hour in range(20 * 24):
            utc = start + dt.timedelta(hours=hour)
            offset = berlin_offset(utc)
            local = utc + offset
            sign_hours = int(offset.total_seconds() // 3600)
            stamp = local.strftime("%Y-%m-%dT%H:%M:%S") + f"+{sign_hours:02d}:00"
            daily = math.sin(2 * math.pi * (local.hour - 9) / 24)
            temperature = round(9 + 5 * daily + rng.gauss(0, 1.5), 1)
            humidity = min(100, round(80 - 18 * daily + rng.gauss(0, 8)))
            dew_point = round(temperature - (100 - humidity) / 5, 1)
            precipitation = round(rng.expovariate(1 / 0.8), 1) if rng.random() < 0.12 else 0.0
            wind = round(max(0.0, rng.gammavariate(3, 3.5)), 1)
            gusts = round(wind * 1.8 + abs(rng.gauss(0, 3)), 1)
            if utc == dt.datetime(2025, 10, 23, 14):
                wind, gusts = 48.2, 101.5  # a storm hour
            rows.append([stamp, temperature, humidity, dew_point, precipitation, wind, gusts])
    write("hourly_local_dst", "berlin-hourly.csv",
          ["time", "temperature_2m", "relative_humidity_2m", "dew_point_2m", "precipitation", "wind_speed_10m",
           "wind_gusts_10m"], rows)


def device_log():
    """A device log: epoch milliseconds, four devices interleaved, battery, RSSI, temperature, door state."""
    rng = random.Random(18_04)
    devices = ["dev-0017", "dev-0023", "dev-0031", "dev-0042"]
    battery = {device: 3650 - 20 * i for i, device in enumerate(devices)}
    at = 1_735_689_600_000  # 2025-01-01T00:00:00Z
    rows = []
    for _ in range(1000):
        at += rng.randint(5_000, 90_000)
        device = rng.choice(devices)
        battery[device] -= rng.choice([0, 0, 0, 1])
        rssi = rng.randint(-104, -48) if rng.random() > 0.01 else -119  # rare deep fades
        temp = round(rng.gauss(21, 2.5), 2)
        rows.append([at, device, battery[device], rssi, temp, rng.choice(["true", "false", "false"])])
    write("device_log", "device-log.csv", ["timestamp_ms", "device_id", "battery_mv", "rssi_dbm", "temp_c", "door_open"],
          rows)


def co2_monthly():
    """Like the Mauna Loa monthly CO2 series: -99.99 for missing months, -1/-9.99/-0.99 before daily data."""
    rng = random.Random(18_05)
    rows = []
    missing = {(1958, 6), (1958, 10), (1964, 2), (1964, 3), (1964, 4), (1964, 12), (1975, 12)}
    month = dt.date(1958, 3, 1)
    while month <= dt.date(2025, 12, 1):
        t = month.year - 1958 + (month.month - 0.5) / 12
        trend = round(314.6 + 0.78 * t + 0.0128 * t * t, 2)
        average = round(trend + 3.2 * math.sin(2 * math.pi * (month.month - 2) / 12) + rng.gauss(0, 0.25), 2)
        if (month.year, month.month) in missing:
            average = -99.99
        early = month.year < 1976
        ndays = -1 if early else rng.randint(8, 30)
        sdev = -9.99 if early else round(rng.uniform(0.2, 1.3), 2)
        unc = -0.99 if early else round(rng.uniform(0.05, 0.7), 2)
        rows.append([month.isoformat(), f"{1958 + t:.4f}", average, trend, ndays, sdev, unc])
        month = dt.date(month.year + (month.month == 12), month.month % 12 + 1, 1)
    write("co2_monthly", "co2-mm-mlo.csv", ["date", "decimal_date", "average", "deseasonalized", "ndays", "sdev", "unc"],
          rows)


def meter_phones():
    """Meter readings with 10-digit phone numbers (epoch-seconds magnitude) before the epoch-seconds time."""
    rng = random.Random(18_06)
    meters = [(f"m-{100 + i}", rng.choice([206, 312, 404, 415, 303]) * 10_000_000 + rng.randint(2_000_000, 9_999_999),
               rng.choice([206, 312, 404, 415, 303]) * 10_000_000 + rng.randint(2_000_000, 9_999_999))
              for i in range(5)]
    at = 1_748_736_000  # 2025-06-01T00:00:00Z
    rows = []
    for step in range(120):
        for meter, phone, contact in meters:
            kwh = round(abs(rng.gauss(0.35, 0.2)), 3)
            voltage = round(rng.gauss(230, 2.5), 1)
            rows.append([phone, meter, contact, at + 900 * step, kwh, voltage])
    write("meter_phone", "meter-readings.csv", ["phone", "meter_id", "emergency_contact", "recorded", "kwh", "voltage"],
          rows)


if __name__ == "__main__":
    seattle_daily()
    two_cities()
    hourly_local()
    device_log()
    co2_monthly()
    meter_phones()
