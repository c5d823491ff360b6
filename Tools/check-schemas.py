#!/usr/bin/env python3
"""Checks Orientir's JSON Schemas against EVENTS.md and the event fixtures, independently of the Swift code.

What it checks, in order:
  1. every file under Schemas/ is a valid draft 2020-12 schema, with the $id its path implies;
  2. the event types of EVENTS.md (its "| `TypeName` |" rows) are exactly the events/*.schema.json files,
     the envelope's `type` enum and its if/then dispatch;
  3. Tests/Fixtures/events/valid.ndjson: every line passes the schemas and the rules JSON Schema cannot say,
     and every event type occurs at least once;
  4. Tests/Fixtures/events/invalid.ndjson: every line is rejected, and for exactly the field and rule that
     invalid.expect.tsv names; where that file says schema_rejects=yes, the schemas alone reject it, and
     where it says no, they accept it and only the extra rules reject it;
  5. any file given with --ndjson: every line passes.

The extra rules (EVENTS.md §6) are: no repeated key in an object, RFC 3339 occurredAt with an upper-case T
and an offset and a real date and time, real calendar dates, an academic year whose second part is the
first plus one modulo 100, and a ProjectScored total equal to the sum of its criteria within 1e-9.

Exit status 0 when everything holds; otherwise 1, with one message per problem naming file and line.

  Tools/check-schemas.py
  Tools/check-schemas.py --ndjson region.ndjson
"""
import argparse
import importlib
import json
import math
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DRAFT_2020_12 = "https://json-schema.org/draft/2020-12/schema"
RULES = {"malformed", "missing", "type", "unknown_type", "unknown_schema", "enum", "pattern", "range",
         "unknown_field", "null", "length", "datetime", "date", "academic_year", "total", "duplicate_member",
         "duplicate_key", "min_items"}
TOTAL_TOLERANCE = 1e-9
MAX_REPORTED = 50


def import_jsonschema():
    """Imports jsonschema (with referencing and the RFC 3339 format checker), installing it with pip if missing.

    rfc3339-validator matters: without it jsonschema silently skips `format: date-time`.
    """
    try:
        importlib.import_module("rfc3339_validator")
        return importlib.import_module("jsonschema"), importlib.import_module("referencing")
    except ImportError:
        print("check-schemas: installing jsonschema and rfc3339-validator with pip", file=sys.stderr)
        subprocess.check_call([sys.executable, "-m", "pip", "install", "--quiet",
                               "jsonschema>=4.18", "rfc3339-validator"])
        importlib.invalidate_caches()
        importlib.import_module("rfc3339_validator")
        return importlib.import_module("jsonschema"), importlib.import_module("referencing")


jsonschema, referencing = import_jsonschema()
from jsonschema import Draft202012Validator, FormatChecker, ValidationError  # noqa: E402
from referencing import Registry, Resource  # noqa: E402


class Problems:
    """Collects failures; each names a file and, where there is one, a line."""

    def __init__(self):
        self.items = []

    def add(self, where, message):
        self.items.append(f"{where}: {message}")

    def __bool__(self):
        return bool(self.items)


# ---- parsing one line ------------------------------------------------------------------------------------

class Malformed(Exception):
    pass


class DuplicateKeyObject(dict):
    """A JSON object that had a repeated key; `repeated` lists those keys (the last value won)."""

    repeated = ()


def object_pairs(pairs):
    obj = dict(pairs)
    if len(obj) == len(pairs):
        return obj
    marked = DuplicateKeyObject(obj)
    seen, repeated = set(), []
    for key, _ in pairs:
        if key in seen and key not in repeated:
            repeated.append(key)
        seen.add(key)
    marked.repeated = tuple(repeated)
    return marked


def reject_constant(name):
    # Python's json accepts NaN and Infinity; JSON does not.
    raise Malformed(f"{name} is not JSON")


def parse_line(raw):
    """Parses one NDJSON line (bytes without the line end) into a JSON value; raises Malformed."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise Malformed(f"invalid UTF-8: {e}") from None
    try:
        return json.loads(text, object_pairs_hook=object_pairs, parse_constant=reject_constant)
    except json.JSONDecodeError as e:
        raise Malformed(str(e)) from None


def read_lines(path):
    """Yields (line number, bytes) of an NDJSON file: LF or CRLF, a leading BOM skipped, blank lines skipped."""
    data = path.read_bytes()
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    lines = data.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    for number, raw in enumerate(lines, start=1):
        if raw.endswith(b"\r"):
            raw = raw[:-1]
        if raw.strip(b" \t") == b"":
            continue
        yield number, raw


# ---- schemas -----------------------------------------------------------------------------------------------

def ecma_pattern(validator, pattern, instance, schema):
    """`pattern` with ECMA-262 semantics for a final `$`: Python's `$` also matches before a final newline."""
    if not validator.is_type(instance, "string"):
        return
    if re.search(pattern, instance) is None or (
            pattern.endswith("$") and re.search(pattern[:-1] + r"\Z", instance) is None):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


EventValidator = jsonschema.validators.extend(Draft202012Validator, {"pattern": ecma_pattern})


class Schemas:
    """The loaded Schemas/ directory: the envelope validator and facts about each event type."""

    def __init__(self, directory, problems):
        self.directory = directory
        self.files = sorted(directory.rglob("*.json"))
        envelope_path = directory / "envelope.schema.json"
        docs = {}
        for path in self.files:
            where = str(path)
            try:
                doc = json.loads(path.read_text(encoding="utf-8"), object_pairs_hook=object_pairs)
            except (ValueError, UnicodeDecodeError) as e:
                problems.add(where, f"not JSON: {e}")
                continue
            docs[path] = doc
            if doc.get("$schema") != DRAFT_2020_12:
                problems.add(where, f"$schema must be {DRAFT_2020_12}")
            try:
                Draft202012Validator.check_schema(doc)
            except jsonschema.exceptions.SchemaError as e:
                problems.add(where, f"not a valid draft 2020-12 schema: {e.message}")
            if isinstance(doc, DuplicateKeyObject):
                problems.add(where, f"repeated key {doc.repeated[0]!r}")
            if not doc.get("description"):
                problems.add(where, "has no description")
            if doc.get("additionalProperties") is not False:
                problems.add(where, "must say additionalProperties: false")
        if envelope_path not in docs:
            raise SystemExit(f"check-schemas: {envelope_path}: missing or unreadable")
        self.envelope = docs[envelope_path]
        base = self.envelope.get("$id", "")
        if not base.endswith("/envelope.schema.json"):
            problems.add(str(envelope_path), "$id must end in /envelope.schema.json")
        base = base[: -len("envelope.schema.json")]
        for path, doc in docs.items():
            expected = base + path.relative_to(directory).as_posix()
            if doc.get("$id") != expected:
                problems.add(str(path), f"$id is {doc.get('$id')!r}, expected {expected!r}")
        self.event_docs = {p.name[: -len(".schema.json")]: d for p, d in docs.items()
                           if p.parent == directory / "events" and p.name.endswith(".schema.json")}
        stray = [p for p in docs if p != envelope_path and p.parent != directory / "events"]
        for path in stray:
            problems.add(str(path), "unexpected schema file (only envelope.schema.json and events/*.schema.json)")
        registry = Registry().with_resources(
            (doc["$id"], Resource.from_contents(doc)) for doc in docs.values() if isinstance(doc.get("$id"), str))
        resolver = registry.resolver(base_uri=self.envelope.get("$id", ""))
        for entry in self.envelope.get("allOf", []):
            target = entry.get("then", {}).get("properties", {}).get("data", {}).get("$ref")
            try:
                resolver.lookup(target)
            except (referencing.exceptions.Unresolvable, TypeError):
                problems.add(str(envelope_path), f"$ref {target!r} does not resolve to a schema under {directory}")
        self.validator = EventValidator(self.envelope, registry=registry, format_checker=FormatChecker())
        self.date_fields = {}
        self.academic_year_fields = {}
        for name, doc in self.event_docs.items():
            defs = doc.get("$defs", {})
            for field, sub in doc.get("properties", {}).items():
                ref = sub.get("$ref", "")
                resolved = defs.get(ref[len("#/$defs/"):], {}) if ref.startswith("#/$defs/") else sub
                if resolved.get("format") == "date":
                    self.date_fields.setdefault(name, set()).add(field)
                if ref == "#/$defs/academicYear":
                    self.academic_year_fields.setdefault(name, set()).add(field)

    def check_format_checker(self):
        """Fails loudly when this jsonschema cannot check date-time or date (it would silently accept)."""
        checker = FormatChecker()
        if checker.conforms("2024-02-30T10:00:00+03:00", "date-time") or checker.conforms("2023-02-30", "date"):
            raise SystemExit("check-schemas: this jsonschema does not check formats date-time and date; "
                             "pip install rfc3339-validator")

    def type_names(self):
        return self.envelope.get("properties", {}).get("type", {}).get("enum", [])

    def dispatched(self, problems):
        """The type names the envelope's allOf sends to events/<type>.schema.json, checking each entry's shape."""
        names = []
        for i, entry in enumerate(self.envelope.get("allOf", [])):
            try:
                name = entry["if"]["properties"]["type"]["const"]
                target = entry["then"]["properties"]["data"]["$ref"]
            except (KeyError, TypeError):
                problems.add(str(self.directory / "envelope.schema.json"), f"allOf[{i}] is not a type dispatch")
                continue
            if target != f"events/{name}.schema.json":
                problems.add(str(self.directory / "envelope.schema.json"),
                             f"allOf[{i}] sends {name} to {target}")
            names.append(name)
        return names


# ---- one event: schema errors and extra rules --------------------------------------------------------------

def dotted(parts):
    return ".".join(str(p) for p in parts)


def classify(error, schemas, event):
    """Maps a jsonschema error to (dotted field, rule keyword) as invalid.expect.tsv spells them."""
    path = list(error.absolute_path)
    field = dotted(path)
    v = error.validator
    in_property_names = "propertyNames" in error.absolute_schema_path
    if in_property_names:
        field = dotted(path + [error.instance])
    if v == "type":
        return field, "null" if error.instance is None else "type"
    if v == "required":
        # jsonschema reports each missing property as its own error, naming it only in the message.
        named = re.match(r"'([^']*)' is a required property", error.message)
        missing = [named.group(1)] if named else [k for k in error.validator_value if k not in error.instance]
        return dotted(path + missing[:1]), "missing"
    if v == "additionalProperties":
        known = error.schema.get("properties", {})
        extra = [k for k in error.instance if k not in known]
        return dotted(path + extra[:1]), "unknown_field"
    if path == ["type"] and v in ("enum", "const"):
        return field, "unknown_type"
    if path == ["schema"] and v in ("enum", "const"):
        return field, "unknown_schema"
    if v in ("enum", "const"):
        return field, "enum"
    if v in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        return field, "range"
    if v in ("minLength", "maxLength"):
        return field, "length"
    if v == "uniqueItems":
        return field, "duplicate_member"
    if v == "minItems":
        return field, "min_items"
    if v in ("pattern", "format"):
        return field, special_rule(path, schemas, event) or ("datetime" if error.validator_value == "date-time"
                                                             else "date" if error.validator_value == "date"
                                                             else "pattern")
    return field, v


def special_rule(path, schemas, event):
    """The rule for a pattern or format failure of a date-time, date or academic-year field, else None."""
    if path == ["occurredAt"]:
        return "datetime"
    if len(path) == 2 and path[0] == "data" and isinstance(event, dict):
        typ = event.get("type")
        if path[1] in schemas.date_fields.get(typ, ()):
            return "date"
        if path[1] in schemas.academic_year_fields.get(typ, ()):
            return "academic_year"
    return None


RFC3339 = re.compile(r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|([+-])(\d{2}):(\d{2}))\Z")
DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})\Z")
ACADEMIC_YEAR = re.compile(r"(\d{4})-(\d{2})\Z")


def real_date(year, month, day):
    try:
        date(int(year), int(month), int(day))
        return True
    except ValueError:
        return False


def valid_date_time(text):
    m = RFC3339.match(text)
    if not m:
        return False
    year, month, day, hour, minute, second = m.group(1, 2, 3, 4, 5, 6)
    if not real_date(year, month, day) or int(hour) > 23 or int(minute) > 59 or int(second) > 59:
        return False  # leap seconds (:60) are rejected, as rfc3339-validator does
    return m.group(8) == "Z" or (int(m.group(10)) <= 23 and int(m.group(11)) <= 59)


def repeated_keys(value, path=()):
    """Yields the dotted path of every repeated key, at any depth."""
    if isinstance(value, dict):
        for key in getattr(value, "repeated", ()):
            yield dotted(path + (key,))
        for key, sub in value.items():
            yield from repeated_keys(sub, path + (key,))
    elif isinstance(value, list):
        for i, sub in enumerate(value):
            yield from repeated_keys(sub, path + (i,))


def is_number(x):
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def extra_errors(event, schemas):
    """The rules of EVENTS.md §6 that JSON Schema cannot express: yields (field, rule, message)."""
    for field in repeated_keys(event):
        yield field, "duplicate_key", "repeated key"
    if not isinstance(event, dict):
        return
    at = event.get("occurredAt")
    if isinstance(at, str) and not valid_date_time(at):
        yield "occurredAt", "datetime", f"{at!r} is not an RFC 3339 date-time with a real date and time"
    data, typ = event.get("data"), event.get("type")
    if not isinstance(data, dict) or not isinstance(typ, str):
        return
    for field in schemas.date_fields.get(typ, ()):
        value = data.get(field)
        if isinstance(value, str):
            m = DATE.match(value)
            if not m or not real_date(*m.groups()):
                yield f"data.{field}", "date", f"{value!r} is not a real calendar date"
    for field in schemas.academic_year_fields.get(typ, ()):
        value = data.get(field)
        if isinstance(value, str):
            m = ACADEMIC_YEAR.match(value)
            if not m or int(m.group(2)) != (int(m.group(1)) + 1) % 100:
                yield f"data.{field}", "academic_year", f"{value!r}: second part must be the first plus one"
    if typ == "ProjectScored":
        criteria, total = data.get("criteria"), data.get("total")
        if isinstance(criteria, dict) and all(map(is_number, criteria.values())) and is_number(total):
            expected = math.fsum(criteria.values())
            if not abs(total - expected) <= TOTAL_TOLERANCE:
                yield "data.total", "total", f"total {total} is not the sum of criteria {expected}"


def check_event(raw, schemas):
    """Returns (schema findings, extra findings), each a list of (field, rule, message)."""
    try:
        event = parse_line(raw)
    except Malformed as e:
        return [], [("", "malformed", str(e))]
    schema_found = [classify(e, schemas, event) + (e.message,) for e in schemas.validator.iter_errors(event)]
    # A value of the wrong type is reported as that alone, not also as outside its enum or range.
    mistyped = {field for field, rule, _ in schema_found if rule in ("type", "null")}
    schema_found = [f for f in schema_found if f[0] not in mistyped or f[1] in ("type", "null")]
    return schema_found, list(extra_errors(event, schemas))


# ---- the checks --------------------------------------------------------------------------------------------

def event_types_in(events_md):
    rows = re.findall(r"^\|\s*`([A-Z][A-Za-z]+)`\s*\|", events_md.read_text(encoding="utf-8"), re.MULTILINE)
    return rows


def check_type_lists(schemas, events_md, problems):
    if not events_md.is_file():
        problems.add(str(events_md), "not found (give --events-md)")
        return
    documented = event_types_in(events_md)
    doubled = sorted({t for t in documented if documented.count(t) > 1})
    if doubled:
        problems.add(str(events_md), f"types listed twice: {', '.join(doubled)}")
    lists = {
        f"{schemas.directory / 'events'} files": set(schemas.event_docs),
        "envelope type enum": set(schemas.type_names()),
        "envelope allOf dispatch": set(schemas.dispatched(problems)),
    }
    for what, names in lists.items():
        for name in sorted(set(documented) - names):
            problems.add(str(events_md), f"type {name} is missing from the {what}")
        for name in sorted(names - set(documented)):
            problems.add(str(events_md), f"type {name} of the {what} is not in EVENTS.md")


def check_valid(path, schemas, problems, require_every_type):
    """Every line must pass; returns the number of accepted lines."""
    accepted = 0
    seen_types = set()
    reported = 0
    for number, raw in read_lines(path):
        schema_found, extra_found = check_event(raw, schemas)
        if schema_found or extra_found:
            for field, rule, message in (schema_found + extra_found)[:3]:
                if reported < MAX_REPORTED:
                    problems.add(f"{path}:{number}", f"{field or '(line)'}: {rule}: {message}")
                reported += 1
            continue
        accepted += 1
        seen_types.add(json.loads(raw)["type"])
    if reported > MAX_REPORTED:
        problems.add(str(path), f"{reported - MAX_REPORTED} more problems not shown")
    if require_every_type:
        for name in sorted(set(schemas.type_names()) - seen_types):
            problems.add(str(path), f"no valid {name} event")
    return accepted


def read_expectations(path, problems):
    """invalid.expect.tsv: line -> (field, rule, schema_rejects); a header row is allowed."""
    expect = {}
    for number, raw in read_lines(path):
        cols = raw.decode("utf-8").split("\t")
        if cols[0] == "line":
            continue
        if len(cols) != 4 or not cols[0].isdigit() or cols[2] not in RULES or cols[3] not in ("yes", "no"):
            problems.add(f"{path}:{number}", "expected line<TAB>field<TAB>rule<TAB>yes|no with a known rule")
            continue
        expect[int(cols[0])] = (cols[1], cols[2], cols[3] == "yes")
    return expect


def check_invalid(path, expect_path, schemas, problems):
    """Every line must be rejected for exactly its expected field and rule; returns the number rejected."""
    expect = read_expectations(expect_path, problems)
    rejected = 0
    lines = dict(read_lines(path))
    for number in sorted(set(expect) - set(lines)):
        problems.add(f"{expect_path}", f"expects line {number}, which {path.name} does not have")
    for number, raw in lines.items():
        where = f"{path}:{number}"
        if number not in expect:
            problems.add(where, f"no row in {expect_path.name}")
            continue
        field, rule, schema_rejects = expect[number]
        schema_found, extra_found = check_event(raw, schemas)
        found = {(f, r) for f, r, _ in schema_found + extra_found}
        if not found:
            problems.add(where, f"accepted, but expected {field or '(line)'}: {rule}")
            continue
        rejected += 1
        if found != {(field, rule)}:
            shown = "; ".join(f"{f or '(line)'}: {r}" for f, r in sorted(found))
            problems.add(where, f"expected only {field or '(line)'}: {rule}, found {shown}")
        if schema_rejects and not schema_found:
            problems.add(where, "schema_rejects=yes, but the schemas accept it")
        if not schema_rejects and schema_found:
            problems.add(where, f"schema_rejects=no, but the schemas reject it: {schema_found[0][2]}")
    return rejected


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--schemas", type=Path, default=REPO / "Schemas", help="default: %(default)s")
    parser.add_argument("--events-md", type=Path, default=REPO.parent / "shared" / "EVENTS.md",
                        help="the event catalog whose type list must match (default: %(default)s)")
    parser.add_argument("--fixtures", type=Path, default=REPO / "Tests" / "Fixtures" / "events",
                        help="directory with valid.ndjson, invalid.ndjson, invalid.expect.tsv "
                             "(default: %(default)s)")
    parser.add_argument("--ndjson", type=Path, action="append", default=[], metavar="FILE",
                        help="also validate FILE: every line must pass (may be repeated)")
    args = parser.parse_args()

    problems = Problems()
    schemas = Schemas(args.schemas, problems)
    schemas.check_format_checker()
    check_type_lists(schemas, args.events_md, problems)
    if problems:
        # Events cannot be judged by schemas that are themselves wrong.
        return report(problems, [f"schemas: {len(schemas.files)} files"])
    summary = [f"schemas: {len(schemas.files)} files"]
    valid = args.fixtures / "valid.ndjson"
    invalid = args.fixtures / "invalid.ndjson"
    expect = args.fixtures / "invalid.expect.tsv"
    for path in (valid, invalid, expect):
        if not path.is_file():
            problems.add(str(path), "not found")
    if valid.is_file():
        summary.append(f"valid: {check_valid(valid, schemas, problems, require_every_type=True)} accepted")
    if invalid.is_file() and expect.is_file():
        summary.append(f"invalid: {check_invalid(invalid, expect, schemas, problems)} rejected")
    for path in args.ndjson:
        if not path.is_file():
            problems.add(str(path), "not found")
            continue
        summary.append(f"{path}: {check_valid(path, schemas, problems, require_every_type=False)} accepted")

    return report(problems, summary)


def report(problems, summary):
    """Prints the problems, then the summary line; returns the exit status."""
    for item in problems.items:
        print(item, file=sys.stderr, flush=True)
    print("; ".join(summary), flush=True)
    if problems:
        print(f"check-schemas: FAILED, {len(problems.items)} problem(s)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
