"""pyspf (Debian's python3-spf) on zones given as JSON, for the SPF differential test.

Reads {"cases": [{"zone": {name: {"TXT": [...], "A": [...], "AAAA": [...], "MX": [...]}},
"ip": ..., "sender": ..., "helo": ...}]} on stdin and writes one {"result": ..., "why": ...} per
case on stdout. DNS is answered from the case's zone only, the way pyspf's own test suite plugs it
in (spf.DNSLookup replaced): a name not in the zone does not exist, TXT values are served as
strings of at most 255 octets, MX hosts at preference 10.
"""

import json
import sys

import spf


def lookup_in(zone):
    def lookup(name, qtype, strict=True, timeout=None):
        name = str(name).lower().rstrip(".")
        entry = zone.get(name, {})
        if qtype == "TXT":
            return [
                ((name, "TXT"), [v[i : i + 255].encode("ascii") for i in range(0, len(v), 255)])
                for v in entry.get("TXT", [])
            ]
        if qtype == "MX":
            return [((name, "MX"), (10, host)) for host in entry.get("MX", [])]
        if qtype in ("A", "AAAA", "PTR"):
            return [((name, qtype), value) for value in entry.get(qtype, [])]
        return []

    return lookup


def main():
    request = json.load(sys.stdin)
    out = []
    for case in request["cases"]:
        zone = {name.lower(): records for name, records in case["zone"].items()}
        spf.DNSLookup = lookup_in(zone)
        query = spf.query(i=case["ip"], s=case["sender"], h=case["helo"], strict=True, querytime=0)
        result, _code, why = query.check()
        out.append({"result": result, "why": why})
    json.dump({"version": spf.__version__, "results": out}, sys.stdout)


if __name__ == "__main__":
    main()
