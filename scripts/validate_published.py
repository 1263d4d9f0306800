#!/usr/bin/env python3
"""Reads what Groundwork publishes about a paper with real parsers, not our own code:
BibTeX with bibtexparser, RIS with rispy, the Atom feeds with feedparser, the OpenAPI
document with openapi-spec-validator, every API answer checked against its schemas, and the
reading pages and the standalone HTML file with the Nu HTML Checker (vnu.jar, when
GROUNDWORK_VNU names it; it needs Java).

    python3 scripts/validate_published.py http://127.0.0.1:3000 inclusive-volunteering

Needs: pip install 'bibtexparser>=2' rispy feedparser openapi-spec-validator
(scripts/validate_published.sh makes a virtual environment with them). The integration test
`published::real_parsers_read_what_is_published` runs it when GROUNDWORK_PYTHON is set.
"""
import json
import os
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request

import bibtexparser
import feedparser
import rispy
from openapi_schema_validator import OAS30Validator
from openapi_spec_validator import validate

failures = []


def check(condition, what):
    if not condition:
        failures.append(what)
        print("FAIL:", what)


def get(url):
    try:
        with urllib.request.urlopen(url) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def main(base, slug):
    # BibTeX
    _, _, bib = get(f"{base}/papers/{slug}/v/2/citation.bib")
    library = bibtexparser.parse_string(bib.decode("utf-8"))
    check(not library.failed_blocks, f"BibTeX parses: {library.failed_blocks}")
    entries = library.entries
    check(len(entries) == 1, f"one BibTeX entry, got {len(entries)}")
    if entries:
        entry = entries[0]
        fields = {name: field.value for name, field in entry.fields_dict.items()}
        check(entry.key == f"{slug}-v2", f"BibTeX key {entry.key}")
        check(entry.entry_type == "techreport", "BibTeX type")
        check(fields.get("number") == "Version 2", f"BibTeX number {fields.get('number')}")
        check(len(fields.get("note", "")) == len("SHA-256 ") + 64, "BibTeX note holds the hash")
        check(fields.get("title", "").startswith("Inclusive volunteering"), "BibTeX title")
        check(fields.get("month") == "nov" or "month" in fields, "BibTeX month")

    # RIS
    _, _, ris = get(f"{base}/papers/{slug}/v/2/citation.ris")
    records = rispy.loads(ris.decode("utf-8"))
    check(len(records) == 1, f"one RIS record, got {len(records)}")
    if records:
        record = records[0]
        check(record.get("type_of_reference") == "RPRT", "RIS type")
        check(record.get("title", "").startswith("Inclusive volunteering"), "RIS title")
        check(record.get("edition") == "Version 2", "RIS edition")
        check(record.get("urls") == [f"{base}/papers/{slug}/v/2"], f"RIS url {record.get('urls')}")

    # CSL-JSON
    _, _, csl = get(f"{base}/papers/{slug}/v/2/citation.json")
    items = json.loads(csl)
    check(isinstance(items, list) and items[0]["type"] == "report", "CSL-JSON item")

    # Atom
    for path in ["/feed.atom", f"/papers/{slug}/feed.atom"]:
        _, _, xml = get(base + path)
        feed = feedparser.parse(xml)
        check(not feed.bozo, f"{path} is well-formed Atom: {feed.get('bozo_exception')}")
        check(feed.version == "atom10", f"{path} is Atom 1.0, got {feed.version}")
        check(len(feed.entries) >= 2, f"{path} has the versions")
        if feed.entries:
            newest = feed.entries[0]
            check(newest.link.endswith(f"/papers/{slug}/v/2"), f"{path} newest entry {newest.link}")
            check(newest.get("published_parsed") is not None, f"{path} entry time")

    # OpenAPI, and every answer against it
    _, _, document = get(f"{base}/api/v1/openapi.json")
    spec = json.loads(document)
    validate(spec)
    schemas = spec["components"]["schemas"]

    def conforms(url, schema_name, expected_status):
        status, headers, body = get(url)
        check(status == expected_status, f"{url}: status {status}")
        check(headers.get("Access-Control-Allow-Origin") == "*", f"{url}: CORS")
        schema = {"$ref": f"#/components/schemas/{schema_name}", "components": {"schemas": schemas}}
        errors = list(OAS30Validator(schema).iter_errors(json.loads(body)))
        for error in errors[:5]:
            print(f"  {url}: {error.message} at {list(error.absolute_path)}")
        check(not errors, f"{url} answers a {schema_name}")

    api = f"{base}/api/v1"
    conforms(f"{api}/papers", "PaperList", 200)
    conforms(f"{api}/papers/{slug}/versions", "VersionList", 200)
    conforms(f"{api}/papers/{slug}/versions/1", "Version", 200)
    conforms(f"{api}/papers/{slug}/versions/2", "Version", 200)
    conforms(f"{api}/papers/{slug}/versions/99", "Error", 404)
    conforms(f"{api}/papers/no-such-paper/versions", "Error", 404)

    # HTML: the published pages readers get (stored bytes, not the app's pages: Leptos marks
    # its hydration points with `<!>`, which the checker calls a bogus comment), checked by
    # the Nu HTML Checker
    vnu = os.environ.get("GROUNDWORK_VNU")
    if vnu:
        validate_html(vnu, base, [
            f"/papers/{slug}",
            f"/papers/{slug}/v/1",
            f"/papers/{slug}/v/2/paper.html",
            f"/papers/{slug}/compare/1/2",
        ])
    else:
        print("GROUNDWORK_VNU is not set: the HTML is not validated")

    if failures:
        print(f"{len(failures)} check(s) failed")
        sys.exit(1)
    print("all checks passed")


def validate_html(vnu, base, paths):
    with tempfile.TemporaryDirectory() as folder:
        files = {}
        for i, path in enumerate(paths):
            status, _, body = get(base + path)
            check(status == 200, f"{path}: status {status}")
            name = os.path.join(folder, f"page-{i}.html")
            with open(name, "wb") as out:
                out.write(body)
            files[name] = path
        run = subprocess.run(
            ["java", "-jar", vnu, "--format", "json", "--stdout", *files],
            capture_output=True, text=True, check=False,
        )
        try:
            messages = json.loads(run.stdout)["messages"]
        except (ValueError, KeyError):
            check(False, f"the HTML checker ran: {run.stdout[:500]} {run.stderr[:500]}")
            return
        errors = [m for m in messages if m.get("type") == "error"
                  or m.get("subType") == "fatal"]
        for error in errors[:20]:
            where = files.get(error.get("url", "").removeprefix("file:"), error.get("url"))
            print(f"  {where}:{error.get('lastLine')}: {error.get('message')} "
                  f"[{error.get('extract', '')[:120]!r}]")
        check(not errors, f"the HTML of {len(paths)} pages validates ({len(errors)} errors)")
        print(f"HTML checked: {len(paths)} pages, {len(messages)} messages, {len(errors)} errors")


if __name__ == "__main__":
    main(sys.argv[1].rstrip("/"), sys.argv[2])
